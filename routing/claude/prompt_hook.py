"""UserPromptSubmit: route the prompt in its session's context, count it, maybe advise.

Runs before every prompt Claude Code sends, so it stays small: json, re and
the router. Reads the state without the lock (files are replaced atomically),
decides, then records under the lock; a busy lock only loses the record.

Turns the host injects (a background subagent's `<task-notification>`, a
hand-back `<agent-message>`, routing.router.injected) fire this hook like a
typed prompt; they are not the user's, so they are neither routed, counted
nor answered. A `/model` switch the transcript shows is counted here only
where the host has no PostModelSwitch event (2.1.197; see model_switch_hook).
"""

from __future__ import annotations

import os

from routing.claude import advice, last_turn
from routing.claude import live_model as session_model
from routing.claude.hook_io import text
from routing.core import config
from routing.core.tiers import TIERS, tier_of_model
from routing.router.decision import Context
from routing.router.guard import classify_for
from routing.router.injected import is_injected
from routing.state import store as state
from routing.state.session import Session

try:
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - builds without the _blake2 module
    from hashlib import blake2b as _blake2b


def prompt_hash(prompt: str, key: bytes | None = None) -> str:
    """A short digest keyed with this install's secret: it recognises a prompt sent twice, and
    without the key no dictionary turns it back into "ok" or "continue"."""
    return _blake2b(prompt.encode("utf-8", "replace"), digest_size=12,
                    key=state.secret() if key is None else key).hexdigest()


def context_tokens(rec: Session, transcript_path: str) -> int:
    """The conversation's size in tokens: the statusLine's figure, else the transcript's size / 4."""
    if rec.context_tokens:
        return rec.context_tokens
    try:
        return os.stat(transcript_path).st_size // 4 if transcript_path else 0
    except (OSError, ValueError):  # ValueError: a path with a NUL or a lone surrogate
        return 0


def handle(payload: dict) -> dict | None:
    sid = text(payload.get("session_id"), 200) or "unknown"
    prompt = text(payload.get("prompt"))
    if is_injected(prompt):
        return None
    transcript = text(payload.get("transcript_path"), 4096)
    cwd = text(payload.get("cwd"), 4096) or None
    cfg = config.load(cwd, strict=False)
    if cfg.warnings:
        from routing.core import errorlog  # only for a broken config file

        for w in cfg.warnings:
            errorlog.log("config", w)
    mode = cfg.get("claude", "mode")

    snapshot = state.read(sid)
    rec = snapshot if snapshot is not None else Session(sid)
    tail = session_model.read_tail(transcript) if transcript else []
    seen_model = session_model.model_from_lines(tail)
    switch = session_model.last_switch(tail)
    # Where PostModelSwitch records every switch, the record is exact and the transcript's
    # newest reply may predate the latest switch; the transcript only fills in an unknown model.
    exact = bool(rec.switch_events) and rec.tier is not None
    current = rec.tier if exact else tier_of_model(seen_model) or rec.tier
    recent = rec.recent
    escalations = rec.escalations
    prev = last_turn.previous_turn_kind(tail)

    decision = classify_for(prompt, Context(current, recent, escalations, prev), cfg, "UserPromptSubmit")
    digest = prompt_hash(prompt)
    prompt_no = rec.prompt_total() + 1
    adv = advice.advise(
        decision,
        current,
        mode=mode,
        suggestions=rec.suggestions,
        prompt_no=prompt_no,
        prompt_hash=digest,
        recent=recent,
        context_tokens=context_tokens(rec, transcript),
        model_for=lambda tier: cfg.model_for("claude", tier),
    )

    def record(r: Session, adv: advice.Advice = adv) -> None:
        if switch is not None and not r.switch_events and switch.line_id != r.last_switch:
            # Before last_decision moves on: the switch is judged against the route before it.
            r.last_switch = switch.line_id
            r.count_switch(switch.from_model or r.model, switch.to_model, "transcript")
        if not (r.switch_events and r.tier is not None):
            r.observe(seen_model, "transcript")
        r.count_prompt(decision.tier)
        if decision.kind == "escalate":
            r.count_escalation("prompt")
        r.last_decision = {
            "tier": decision.tier,
            "kind": decision.kind,
            "intent": decision.intent,
            "confidence": decision.confidence,
            "prompt_hash": digest,
            "mode": mode,
        }
        r.remember_route(decision.tier)
        adv.apply(r.suggestions, r.prompt_total())

    if adv.blocks and not state.update(sid, "claude", record):
        # A block must be remembered before it is shown, or the resend would be
        # blocked again (disk full, read-only state, lock busy): advise instead.
        adv = adv.as_suggestion()
        state.update_detached(sid, "claude", lambda r: record(r, adv))
    elif not adv.blocks:
        state.update_detached(sid, "claude", record)
    return adv.output
