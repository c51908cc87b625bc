"""`route status` without click: the current (or last) session, for humans or as JSON.

Claude Code's statusLine (`route status --claude`) lives in routing.claude.statusline;
routing.cli sends that flag there.
"""

from __future__ import annotations

import os
import sys
import time

from routing.core.tiers import TIERS
from routing.state import store as state

SEP = " · "
USAGE = "usage: route status [--json | --claude]"


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


# -- route status ------------------------------------------------------------


def _ago(ts: object) -> str:
    t = _num(ts)
    if t is None:
        return "?"
    s = max(0, int(time.time() - t))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= size:
            return f"{s // size}{unit} ago"
    return f"{s}s ago"


def _counts(d: object) -> str:
    d = d if isinstance(d, dict) else {}
    return SEP.join(f"{t} {int(d.get(t) or 0)}" for t in TIERS)


def current_session(doc: dict) -> tuple[str, dict] | None:
    sid = doc.get("last_session")
    rec = doc["sessions"].get(sid) if isinstance(sid, str) else None
    return (sid, rec) if isinstance(rec, dict) else None


def render_human(doc: dict) -> str:
    found = current_session(doc)
    if found is None:
        return ("no session recorded yet. Claude Code sessions appear here once the hooks are installed "
                "(route install --claude).")
    sid, rec = found
    last = rec.get("last_decision") if isinstance(rec.get("last_decision"), dict) else None
    lines = [
        f"session     {sid} ({rec.get('source') or '?'}, started {_ago(rec.get('first_seen'))}, "
        f"last seen {_ago(rec.get('last_seen'))})",
        f"model       {rec.get('model') or 'unknown'}" + (f" ({rec['tier']})" if rec.get("tier") in TIERS else ""),
    ]
    if last:
        lines.append(f"last route  {last.get('tier')} ({last.get('intent')}, {last.get('kind')}, "
                     f"confidence {last.get('confidence')})")
    lines.append(f"prompts     {_counts(rec.get('prompts'))}")
    lines.append(f"moves       ↑{int(rec.get('escalations') or 0)} escalations, "
                 f"↓{int(rec.get('deescalations') or 0)} de-escalations")
    if isinstance(rec.get("subagents"), dict):
        lines.append(f"subagents   {_counts(rec['subagents'])}")
    sugg = rec.get("suggestions") if isinstance(rec.get("suggestions"), dict) else {}
    if sugg.get("shown") or sugg.get("blocked"):
        lines.append(f"advice      {int(sugg.get('shown') or 0)} suggestions, {int(sugg.get('blocked') or 0)} blocks")
    if _num(rec.get("cost_usd")) is not None:
        lines.append(f"cost        ${rec['cost_usd']:.2f}")
    env = os.environ.get("CLAUDE_CODE_SUBAGENT_MODEL")
    if env:
        lines.append(f"note        CLAUDE_CODE_SUBAGENT_MODEL={env} overrides per-task subagent routing")
    return "\n".join(lines)


def render_json(doc: dict) -> str:
    found = current_session(doc)
    out = {"session_id": found[0], **found[1]} if found else None
    import json  # `route status --json` is not on a hot path

    return json.dumps(out, indent=2, ensure_ascii=False)


def main(args: list[str]) -> int:
    """The click-free entry `route status` takes when its arguments are simple."""
    if args not in FAST_ARGS:
        print(USAGE, file=sys.stderr)
        return 2
    doc = state.load()
    try:
        print(render_json(doc) if args == ["--json"] else render_human(doc))
        sys.stdout.flush()
    except BrokenPipeError:  # `route status | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


FAST_ARGS = ([], ["--json"])
