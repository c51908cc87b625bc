"""Model tiers, and how model names from any tool map onto them.

Model ids change every few months, so ids map to tiers by family name
(`claude-opus-4-8` -> opus), never by an exact list.
"""

from __future__ import annotations

TIERS = ("haiku", "sonnet", "opus")

# Families that are not tiers of their own but behave like one for routing.
_FAMILY_ALIASES = {
    "haiku": "haiku",
    "sonnet": "sonnet",
    "opus": "opus",
    "best": "opus",
    "opusplan": "sonnet",  # sonnet outside plan mode, which is where prompts run
    "fable": "opus",
}


# What a token costs on each tier, relative to haiku (opus ~5x sonnet, ~20x haiku).
# Only the ratios matter: they weigh routing mistakes and switch costs, not bills.
RELATIVE_PRICE = {"haiku": 1.0, "sonnet": 4.0, "opus": 20.0}


def rank(tier: str) -> int:
    return TIERS.index(tier)


def step_up(tier: str) -> str:
    return TIERS[min(rank(tier) + 1, len(TIERS) - 1)]


def step_down(tier: str) -> str:
    return TIERS[max(rank(tier) - 1, 0)]


def tier_of_model(model: str | None) -> str | None:
    """Tier of a Claude model id or alias, or None when it names no known family."""
    if not model:
        return None
    name = model.lower()
    if name in _FAMILY_ALIASES:
        return _FAMILY_ALIASES[name]
    for family in ("haiku", "sonnet", "opus", "fable"):
        if family in name:
            return _FAMILY_ALIASES[family]
    return None
