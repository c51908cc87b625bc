"""Claude Code's statusLine (`route status --claude`): record what it says, print one line.

The statusLine command runs after every Claude Code turn, and its stdin is
the only place the live model (`model.id`) shows up after a `/model` switch,
so it records the model as well as printing the line:
`sonnet · wants opus · ↑1 · $0.42` (live tier, the tier the router last
wanted when it differs, escalations when any, the session's cost).
"""

from __future__ import annotations

import sys

from routing.core.tiers import TIERS, tier_of_model
from routing.state import session as moves
from routing.state import store as state

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


def render_line(live: str, rec: dict, cost: float | None) -> str:
    parts = [live]
    last = rec.get("last_decision") if isinstance(rec.get("last_decision"), dict) else {}
    want = last.get("tier")
    if want in TIERS and want != live and last.get("kind") != "continue":
        parts.append(f"wants {want}")
    esc = rec.get("escalations")
    if isinstance(esc, int) and esc > 0:
        parts.append(f"↑{esc}")
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

    doc = state.load()
    snapshot = doc["sessions"].get(sid) if sid else None
    rec = snapshot if isinstance(snapshot, dict) else {}
    if sid and (rec.get("model") != model_id or rec.get("cost_usd") != cost or rec.get("context_tokens") != tokens):

        def record(doc: dict) -> dict:
            r = state.session(doc, sid[:200], "claude")
            moves.observe(r, model_id or display, "statusline")
            if cost is not None:
                r["cost_usd"] = cost
            if tokens is not None:
                r["context_tokens"] = tokens
            return r

        rec = record(doc)  # what the line shows: the snapshot with this change applied
        state.update_detached(record)
    return render_line(live, rec, cost)


def run(stdin=None) -> int:
    """`route status --claude`: the statusLine command. Prints a line whatever happens."""
    from routing.claude import hook_io
    from routing.core import errorlog

    try:
        payload = hook_io.read_payload(stdin)
        line = status_line(payload)
    except Exception as e:
        errorlog.log("statusLine", e)
        line = "route"
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    return 0


