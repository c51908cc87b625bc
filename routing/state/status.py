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
from routing.state.session import Session, count

SEP = " · "
USAGE = "usage: route status [--json] [--session ID] | route status --claude"


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


def _counts(d: dict) -> str:
    return SEP.join(f"{t} {count(d.get(t))}" for t in TIERS)


def render_human(rec: Session | None) -> str:
    if rec is None:
        return ("no session recorded yet. Start a Claude Code session, or run `codex-quick \"...\"` in a new "
                "shell: its model, routed tiers and escalations show here. (Nothing wired yet? `route install`.)")
    last = rec.last_decision
    lines = [
        f"session     {clean(rec.id)} ({rec.source}, started {_ago(rec.first_seen)}, "
        f"last seen {_ago(rec.last_seen)})",
        f"model       {clean(rec.model or 'unknown')}" + (f" ({rec.tier})" if rec.tier else ""),
    ]
    if last:
        lines.append(f"last route  {clean(last.get('tier'))} ({clean(last.get('intent'))}, {clean(last.get('kind'))}, "
                     f"confidence {clean(last.get('confidence'))})")
    lines.append(f"prompts     {_counts(rec.prompts)}")
    lines.append(f"moves       ↑{rec.escalations} escalations, ↓{rec.deescalations} de-escalations")
    if rec.subagents:
        lines.append(f"subagents   {_counts(rec.subagents)}")
    sugg = rec.suggestions
    shown, blocked = count(sugg.get("shown")), count(sugg.get("blocked"))
    if shown or blocked:
        lines.append(f"advice      {shown} suggestions, {blocked} blocks")
    if rec.cost_usd is not None:
        lines.append(f"cost        ${rec.cost_usd:.2f} (Claude Code's own running cost of this session; "
                     "`route report` prices the transcripts)")
    env = os.environ.get("CLAUDE_CODE_SUBAGENT_MODEL")
    if env:
        lines.append(f"note        CLAUDE_CODE_SUBAGENT_MODEL={clean(env)} is set: modelroute leaves subagents to it (no per-task routing)")
    return "\n".join(lines)


def render_json(rec: Session | None) -> str:
    """The record as JSON, with its id: the same whatever the store's file format."""
    out = {"session_id": rec.id, **rec.to_dict()} if rec is not None else None
    import json  # `route status --json` is not on a hot path

    return json.dumps(out, indent=2, ensure_ascii=False)


def clean(value: object, limit: int = 200) -> str:
    """Printable text for a terminal: control characters (escapes, newlines) shown as `?`."""
    text = str(value)[:limit]
    return "".join(c if c.isprintable() else "?" for c in text)


def parse_args(args: list[str]) -> tuple[bool, str | None] | None:
    """(as_json, session id) from `[--json] [--session ID]`, or None when they are not that."""
    as_json, sid, rest = False, None, list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--json" and not as_json:
            as_json = True
        elif arg == "--session" and sid is None and rest:
            sid = rest.pop(0)
        elif arg.startswith("--session=") and sid is None:
            sid = arg.split("=", 1)[1]
        else:
            return None
    if sid == "":
        return None
    return as_json, sid


def main(args: list[str]) -> int:
    """The click-free entry `route status` takes when its arguments are simple."""
    parsed = parse_args(args)
    if parsed is None:
        print(USAGE, file=sys.stderr)
        return 2
    as_json, sid = parsed
    rec = state.read(sid) if sid is not None else state.last()
    try:
        print(render_json(rec) if as_json else render_human(rec) if rec or sid is None
              else f"no session {clean(sid)!r} recorded")
        sys.stdout.flush()
    except BrokenPipeError:  # `route status | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1 if sid is not None and rec is None else 0


def fast_args(args: list[str]) -> bool:
    """True when `route status ARGS` can skip click."""
    return parse_args(args) is not None
