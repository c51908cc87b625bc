"""UserPromptSubmit: route the prompt in its session's context, count it, maybe advise.

Runs before every prompt Claude Code sends, so it stays small: json, re and
the router. Reads the state without the lock (files are replaced atomically),
decides, then records under the lock; a busy lock only loses the record.
"""

from __future__ import annotations

import os

from routing.claude import advice
from routing.claude import live_model as session_model
from routing.claude.hook_io import text
from routing.core import config, errorlog
from routing.core.tiers import TIERS, tier_of_model
from routing.router.classify import classify
from routing.router.decision import Context
from routing.router.rules import rules_for
from routing.state import store as state

try:
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - builds without the _blake2 module
    from hashlib import blake2b as _blake2b


def prompt_hash(prompt: str) -> str:
    """A short keyed-by-nothing digest: enough to recognise a prompt sent twice, not to read it."""
    return _blake2b(prompt.encode("utf-8", "replace"), digest_size=12).hexdigest()


def context_tokens(rec: dict, transcript_path: str) -> int:
    """The conversation's size in tokens: the statusLine's figure, else the transcript's size / 4."""
    n = rec.get("context_tokens")
    if isinstance(n, int) and n > 0:
        return n
    try:
        return os.stat(transcript_path).st_size // 4 if transcript_path else 0
    except OSError:
        return 0


def handle(payload: dict) -> dict | None:
    sid = text(payload.get("session_id"), 200) or "unknown"
    prompt = text(payload.get("prompt"))
    transcript = text(payload.get("transcript_path"), 4096)
    cwd = text(payload.get("cwd"), 4096) or None
    cfg = config.load(cwd, strict=False)
    for w in cfg.warnings:
        errorlog.log("config", w)
    mode = cfg.get("claude", "mode")

    snapshot = state.load()["sessions"].get(sid)
    rec = snapshot if isinstance(snapshot, dict) else {}
    seen_model = session_model.model_from_transcript(transcript)
    current = tier_of_model(seen_model) or (rec.get("tier") if rec.get("tier") in TIERS else None)
    recent = [t for t in (rec.get("recent") or []) if t in TIERS][-5:]
    escalations = rec.get("escalations") if isinstance(rec.get("escalations"), int) else 0

    decision = classify(prompt, Context(current, recent, escalations), rules_for(cfg))
    digest = prompt_hash(prompt)
    prompts = rec.get("prompts") if isinstance(rec.get("prompts"), dict) else {}
    prompt_no = sum(v for v in prompts.values() if isinstance(v, int)) + 1
    suggestions = rec.get("suggestions") if isinstance(rec.get("suggestions"), dict) else {}
    adv = advice.advise(
        decision,
        current,
        mode=mode,
        suggestions=suggestions,
        prompt_no=prompt_no,
        prompt_hash=digest,
        recent=recent,
        context_tokens=context_tokens(rec, transcript),
        model_for=lambda tier: cfg.model_for("claude", tier),
    )

    def record(doc: dict) -> None:
        r = state.session(doc, sid, "claude")
        session_model.observe(r, seen_model, "transcript")
        r["prompts"][decision.tier] = int(r["prompts"].get(decision.tier) or 0) + 1
        if decision.kind == "escalate":
            session_model.count_escalation(r, "prompt")
        r["last_decision"] = {
            "tier": decision.tier,
            "kind": decision.kind,
            "intent": decision.intent,
            "confidence": decision.confidence,
            "prompt_hash": digest,
            "mode": mode,
        }
        r["recent"] = ([t for t in (r.get("recent") or []) if t in TIERS] + [decision.tier])[-5:]
        if not isinstance(r.get("suggestions"), dict):
            r["suggestions"] = {}
        adv.apply(r["suggestions"], sum(r["prompts"].values()))

    saved = state.update_detached(record)
    if adv.blocks and not saved:
        # Without the record the same prompt would be blocked again: advise instead.
        return adv.as_suggestion().output
    return adv.output
