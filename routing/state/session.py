"""Counting a session's moves between tiers: escalations (up) and de-escalations (down).

Each move is counted in the session record's `escalations` / `deescalations`
and, by cause, in `moves` (`up:prompt`, `up:subagent`, `up:model_statusline`,
`down:model_transcript`, ...), so a report can tell a user's `/model` switch
from a "think harder" prompt.
"""

from __future__ import annotations

from routing.core.tiers import TIERS, tier_of_model


def observe(rec: dict, model: str | None, why: str) -> None:
    """Record the live model; a tier change counts as an escalation or a de-escalation."""
    tier = tier_of_model(model)
    if not model or tier is None:
        return
    old = rec.get("tier")
    rec["model"] = model
    rec["tier"] = tier
    if old in TIERS and old != tier:
        up = TIERS.index(tier) > TIERS.index(old)
        _count(rec, "escalations" if up else "deescalations", f"model_{why}")
        rec["switched"] = True


def count_escalation(rec: dict, cause: str) -> None:
    _count(rec, "escalations", cause)


def _count(rec: dict, field: str, cause: str) -> None:
    rec[field] = int(rec.get(field) or 0) + 1
    by = rec.setdefault("moves", {})
    key = f"{'up' if field == 'escalations' else 'down'}:{cause}"
    by[key] = int(by.get(key) or 0) + 1
