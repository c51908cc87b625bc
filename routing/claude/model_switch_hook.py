"""PreModelSwitch and PostModelSwitch (Claude Code 2.1.332+): price a needless switch, record every one.

PostModelSwitch fires after each change of the main model with its cause
(`source`: command for `/model`, picker, sdk, auto for plan mode or a
fallback, resume), so on a host that has it, it is the exact record: the live
model, the user's escalations (a switch up past what modelroute routed, from
command, picker or sdk), and which model `/model` saved as the default for
the exit-time reset (command and picker save it; see session_hook).

PreModelSwitch fires before a requested switch with the host's own estimate
of the re-cache cost. Each model has its own prompt cache, so a switch
re-reads the whole conversation uncached. When the router finds the switch
unneeded (up, with nothing recent above the current tier and no complaint;
down, when the re-read costs more than the cheaper tier saves) and the
estimate is at least `claude.switch_check_usd`, the hook answers `ask` with
the price as the reason: the host shows the same "Switch model?" dialog it
shows anyway while the cache is warm, with our reason in place of its own.
Never on a cold cache (nothing extra to re-read), never twice for the same
target in a session, never through the SDK (there `ask` is a block), and
`deny` only in enforce mode. `claude.switch_check = false` turns it off.
"""

from __future__ import annotations

from routing.claude.hook_io import text
from routing.core import config, errorlog
from routing.core.tiers import RELATIVE_PRICE, TIERS, rank, tier_of_model
from routing.router import policy
from routing.state import store as state
from routing.state.session import Session, bump

# PostModelSwitch sources that are the user's own choice (an SDK app's model menu included).
USER_SOURCES = ("command", "picker", "sdk")
# Sources whose switch Claude Code saves as the default for new sessions.
SAVING_SOURCES = ("command", "picker")
# What a fresh subagent reads before it answers: system prompt, tools, a few files.
SUBAGENT_TOKENS = 20_000
ASKED = "switch_asked"  # in the session's suggestions: target tiers already priced


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def handle_post(payload: dict) -> None:
    sid = text(payload.get("session_id"), 200) or "unknown"
    from_model = text(payload.get("from_model"), 200)
    to_model = text(payload.get("to_model"), 200)
    source = text(payload.get("source"), 40) or "unknown"
    requested = text(payload.get("requested_model"), 200)

    def record(r: Session) -> None:
        bump(r.switch_events, source)
        if source in USER_SOURCES:
            r.count_switch(from_model or r.model, to_model, source)
        r.observe(to_model, "switch")
        if source in SAVING_SOURCES:
            r.switched = True
            r.switched_to = requested or to_model

    state.update_detached(sid, "claude", record)
    return None


def usd(amount: float) -> str:
    return f"${amount:.2f}" if amount >= 0.01 else f"${amount:.3f}"


def needless(rec: Session, old: str, new: str, context_tokens: int) -> bool:
    """The router's view: nothing recent needs `new` (up), or the re-read outweighs the saving (down)."""
    last = rec.last_decision or {}
    if rank(new) > rank(old):
        if not rec.recent or last.get("kind") == "escalate":
            return False  # nothing routed yet, or the user just complained: the switch may well be needed
        return max(rank(t) for t in rec.recent) <= rank(old)
    return not policy.switch_pays(old, new, context_tokens, 4)


def reason(old: str, new: str, to_model: str, cost: float, context_tokens: int) -> str:
    """The price of the switch beside the cheaper way, in the host's own currency estimate."""
    # The host prices the re-read at the target's cache-write rate (1.25x its input price).
    per_token = cost / (policy.CACHE_WRITE * context_tokens) if context_tokens else 0.0
    head = (f"modelroute: switching to {to_model} re-reads this conversation uncached "
            f"({context_tokens / 1000:.0f}k tokens, about {usd(cost)})")
    if rank(new) > rank(old):
        sub = per_token * SUBAGENT_TOKENS
        article = "an" if new[0] in "aeiou" else "a"
        return (f"{head}, and recent prompts fit {old}. For one {new}-sized question, {article} {new} subagent "
                f"costs about {usd(sub)} and leaves this conversation's cache alone.")
    sub = per_token * RELATIVE_PRICE["haiku"] / RELATIVE_PRICE[new] * SUBAGENT_TOKENS
    return (f"{head}, more than {new} saves over the next few prompts. For a lookup, a haiku subagent "
            f"costs about {usd(sub)}.")


def handle_pre(payload: dict) -> dict | None:
    sid = text(payload.get("session_id"), 200) or "unknown"
    source = text(payload.get("source"), 40)
    to_model = text(payload.get("to_model"), 200)
    old, new = tier_of_model(text(payload.get("from_model"), 200)), tier_of_model(to_model)
    cost = _num(payload.get("estimated_cache_write_usd"))
    tokens = _num(payload.get("context_tokens"))
    if old not in TIERS or new not in TIERS or old == new or cost is None or not tokens:
        return None
    if payload.get("prompt_cache_warm") is not True:
        return None  # a cold cache is re-read whatever the model: the switch costs nothing extra
    cfg = config.load(text(payload.get("cwd"), 4096) or None, strict=False)
    for w in cfg.warnings:
        errorlog.log("config", w)
    mode = cfg.get("claude", "mode")
    if mode == "off" or not cfg.get("claude", "switch_check") or cost < float(cfg.get("claude", "switch_check_usd")):
        return None
    if source == "sdk" and mode != "enforce":
        return None  # without a dialog, `ask` is a block
    rec = state.read(sid) or Session(sid)
    if not needless(rec, old, new, int(tokens)):
        return None
    asked = rec.suggestions.get(ASKED)
    asked = asked if isinstance(asked, list) else []
    if new in asked and mode != "enforce":
        return None  # priced once: the user has heard it

    def remember(r: Session) -> None:
        seen = r.suggestions.get(ASKED)
        r.suggestions[ASKED] = sorted(set(seen if isinstance(seen, list) else []) | {new})

    state.update_detached(sid, "claude", remember)
    return {"hookSpecificOutput": {
        "hookEventName": "PreModelSwitch",
        "permissionDecision": "deny" if mode == "enforce" else "ask",
        "permissionDecisionReason": reason(old, new, to_model, cost, int(tokens)),
    }}
