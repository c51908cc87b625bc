"""Claude Code's statusLine (`route status --claude`): record what it says, print one line.

The statusLine command runs after every Claude Code turn, and its stdin is
the only place the live model (`model.id`) shows up after a `/model` switch,
so it records the model as well as printing the line:
`sonnet · wants opus · ↑1 · $0.42` (live tier, the tier the router last
wanted when it differs, escalations when any, the session's cost).
"""

from __future__ import annotations

import sys
import time

from routing.core.printable import printable
from routing.core.tiers import TIERS, tier_of_model
from routing.state import store as state
from routing.state.session import Session

SEP = " · "


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def context_tokens(payload: dict) -> int | None:
    """Tokens the last request carried: what re-reading the conversation would cost."""
    cw = payload.get("context_window")
    if not isinstance(cw, dict):
        return None
    usage = cw.get("current_usage")
    if isinstance(usage, dict):
        fields = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
        n = int(sum(_num(usage.get(k)) or 0 for k in fields))
        if n:
            return n
    pct, size = _num(cw.get("used_percentage")), _num(cw.get("context_window_size"))
    return int(pct * size / 100) if pct is not None and size else None


def render_line(live: str, rec: Session, cost: float | None) -> str:
    parts = [printable(live, 60)]
    last = rec.last_decision or {}
    want = last.get("tier")
    if want in TIERS and want != live and last.get("kind") != "continue":
        parts.append(f"wants {want}")
    if rec.escalations:
        parts.append(f"↑{rec.escalations}")
    if cost is not None:
        parts.append(f"${cost:.2f}")
    return SEP.join(parts)


def status_line(payload: dict) -> str:
    """Record what the statusLine JSON says about the session, and return the line to show."""
    sid = payload.get("session_id") if isinstance(payload.get("session_id"), str) else ""
    model_info = payload.get("model") if isinstance(payload.get("model"), dict) else {}
    model_id = model_info.get("id") if isinstance(model_info.get("id"), str) else ""
    display = model_info.get("display_name") if isinstance(model_info.get("display_name"), str) else ""
    cost_info = payload.get("cost") if isinstance(payload.get("cost"), dict) else {}
    cost = _num(cost_info.get("total_cost_usd"))
    tokens = context_tokens(payload)
    live = tier_of_model(model_id) or tier_of_model(display) or display or model_id or "?"

    sid = sid[:200]
    rec = (state.read(sid) if sid else None) or Session(sid)
    if sid and (rec.model != model_id or rec.cost_usd != cost or rec.context_tokens != tokens):

        seen_at = time.time()

        def record(r: Session) -> None:
            # Detached writers may land out of order: an older statusLine must not
            # overwrite a newer one's figures, nor count a switch back and forth.
            if r.status_at is not None and seen_at < r.status_at:
                return
            r.status_at = seen_at
            r.observe(model_id or display, "statusline")
            if cost is not None:
                r.cost_usd = cost
            if tokens is not None:
                r.context_tokens = tokens

        record(rec)  # what the line shows: the snapshot with this change applied
        state.update_detached(sid, "claude", record)
    return render_line(live, rec, cost)


TERMINAL_HELP = (
    "route status --claude is Claude Code's statusLine command: it reads the JSON Claude Code sends on stdin.\n"
    "  Try it: echo '{\"session_id\": \"s1\", \"model\": {\"id\": \"claude-sonnet-5\"}}' | route status --claude\n"
    "  The current session, for you: route status\n"
)


def run(stdin=None) -> int:
    """`route status --claude`: the statusLine command. Prints a line whatever happens.

    Claude Code always pipes JSON in; a terminal on stdin is a person trying
    the README's command, who gets a line saying how instead of a wait for input."""
    from routing.claude import hook_io
    from routing.core import errorlog

    stream = sys.stdin if stdin is None else stdin
    try:
        at_terminal = stream.isatty()
    except (AttributeError, ValueError):
        at_terminal = False
    if at_terminal:
        sys.stderr.write(TERMINAL_HELP)
        return 2
    try:
        payload = hook_io.read_payload(stdin)
        line = status_line(payload)
    except Exception as e:
        errorlog.log("statusLine", e)
        line = "route"
    try:  # one line, whatever the input held (a newline in display_name, a lone surrogate)
        sys.stdout.write(printable(line, 400) + "\n")
        sys.stdout.flush()
    except Exception as e:  # a closed pipe: nothing to show it on
        errorlog.log("statusLine", e)
    return 0


