"""Record a shell wrapper call in the state file, counting escalations.

A deep call (codex-deep) that follows a quick or default call of the same
tool in the same shell session, within shell.escalation_window_minutes,
counts as one escalation: the user tried the cheap model and stepped up.
"""

from __future__ import annotations

import os
import time
from typing import Optional

from routing.state import store as state
from routing.state.session import Session

_MARK_PREFIX = "prompt-mark."
_MARK_MAX_AGE = 7 * 86400


def record(rec: Session, tool: str, tier: str, model: Optional[str], now: float, window_s: float) -> bool:
    """Count one call in the shell session's record; True when it counted as an escalation."""
    last = rec.last_call
    escalated = False
    if tier == "opus" and last and last.get("tier") in ("haiku", "sonnet") and last.get("tool", tool) == tool:
        at = last.get("at")
        if isinstance(at, (int, float)) and 0 <= now - at <= window_s:
            escalated = True
            rec.count_escalation("shell")
    rec.count_prompt(tier)
    rec.tier = tier
    rec.model = model
    rec.last_call = {"tier": tier, "at": round(now, 3), "tool": tool}
    return escalated


def record_call(session_id: str, tool: str, tier: str, model: Optional[str], window_minutes: float) -> bool:
    """Locked update of the state; a busy lock defers the write to a detached process (never lost)."""
    now = time.time()
    ok = state.update(session_id, "shell", lambda rec: record(rec, tool, tier, model, now, window_minutes * 60),
                      defer=True)
    prune_marks(state.state_dir(), now)
    return ok


def prune_marks(directory: str, now: float) -> None:
    """Remove prompt-segment markers of shells long gone (a live one just recreates its own)."""
    try:
        with os.scandir(directory) as it:
            for entry in it:
                if entry.name.startswith(_MARK_PREFIX):
                    try:
                        if now - entry.stat().st_mtime > _MARK_MAX_AGE:
                            os.unlink(entry.path)
                    except OSError:
                        pass
    except OSError:
        pass
