"""Which Claude Code is installed, and what that version does with the subagent variable.

Off the hot path (install and doctor only): it runs `claude --version`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Optional

from routing.claude.host import (MODEL_SWITCH_EVENTS, MODEL_SWITCH_SINCE, SUBAGENT_FORCE_VAR, SUBAGENT_MODEL_VAR,
                                 VAR_BEATS_CALL_UNTIL)

Version = tuple[int, int, int]


def parse(text: str) -> Optional[Version]:
    """`2.1.332 (Claude Code)` -> (2, 1, 332)."""
    m = re.search(r"(\d+)\.(\d+)\.(\d+)", text or "")
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def installed() -> Optional[Version]:
    """The `claude` on PATH, or None when there is none or it does not answer."""
    exe = shutil.which("claude")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=15,
                             stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return parse(out.stdout) if out.returncode == 0 else None


def var_beats_call(version: Optional[Version]) -> Optional[bool]:
    """Does CLAUDE_CODE_SUBAGENT_MODEL beat a model the Agent call names? None: version unknown."""
    return None if version is None else version <= VAR_BEATS_CALL_UNTIL


def precedence(version: Optional[Version]) -> str:
    """The rule in one clause, for the version at hand (both when it is unknown)."""
    name = ".".join(map(str, version)) if version else ""
    old = ".".join(map(str, VAR_BEATS_CALL_UNTIL))
    beats = var_beats_call(version)
    if beats:
        return f"on Claude Code {name}, {SUBAGENT_MODEL_VAR} beats a model the Agent call names"
    if beats is False:
        return (f"on Claude Code {name}, a model the Agent call names beats {SUBAGENT_MODEL_VAR} "
                f"unless {SUBAGENT_FORCE_VAR}=1")
    return (f"{SUBAGENT_MODEL_VAR} beats a model the Agent call names up to Claude Code {old}; "
            f"later, only with {SUBAGENT_FORCE_VAR}=1")


def name(version: Optional[Version]) -> str:
    return ".".join(map(str, version)) if version else "unknown"


def knows_model_switch_hooks(version: Optional[Version]) -> bool:
    """PreModelSwitch/PostModelSwitch: only where observed (an unknown event is a warning dialog)."""
    return version is not None and version >= MODEL_SWITCH_SINCE


def skipped_events(version: Optional[Version]) -> tuple[str, ...]:
    return () if knows_model_switch_hooks(version) else MODEL_SWITCH_EVENTS
