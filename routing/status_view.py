"""`route status` without click: the statusLine, and the current session for humans or JSON.

The statusLine command runs after every Claude Code turn, and its stdin is
the only place the live model (`model.id`) shows up after a `/model` switch,
so it records the model as well as printing the line:
`sonnet · wants opus · ↑1 · $0.42` (live tier, the tier the router last
wanted when it differs, escalations when any, the session's cost).
"""

from __future__ import annotations

import os
import sys
import time

from routing import moves, state
from routing.tiers import TIERS, tier_of_model

SEP = " · "
USAGE = "usage: route status [--json | --claude]"


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


def run_claude(stdin=None) -> int:
    """`route status --claude`: the statusLine command. Prints a line whatever happens."""
    from routing import errorlog, hook_io

    try:
        payload = hook_io.read_payload(stdin)
        line = status_line(payload)
    except Exception as e:
        errorlog.log("statusLine", e)
        line = "route"
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    return 0


def main(args: list[str]) -> int:
    """The click-free entry `route status` takes when its arguments are simple."""
    if args == ["--claude"]:
        return run_claude()
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


FAST_ARGS = ([], ["--json"], ["--claude"])
