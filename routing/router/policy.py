"""When modelroute's advice moves a Claude Code session: the pure policy, shared by the hook and the report.

The UserPromptSubmit hook (routing.claude.advice) turns this into words; the
report's what-if (routing.report.whatif) replays it over past transcripts, so
both follow one definition of when a switch pays. Each model has its own
prompt cache: switching re-reads the whole conversation uncached, so going
down pays only when the conversation is short enough that the re-read costs
less than the cheaper tier saves over the next few prompts.
"""

from __future__ import annotations

from routing.core.tiers import RELATIVE_PRICE, TIERS, rank

PRICE = RELATIVE_PRICE
CACHE_READ = 0.1  # a cached input token costs this fraction of an uncached one
CACHE_WRITE = 1.25  # writing the cache after a switch costs this much
TURN_TOKENS = 4000  # new input plus output (weighted) per prompt, input-token equivalent
DOWN_STREAK = 2  # consecutive prompts routed below the live tier before suggesting down
SAVING_MARGIN = 0.8  # suggest a switch only when it costs at most this share of staying

UP, DOWN, DELEGATE = "up", "down", "delegate"
_RANK = {tier: rank(tier) for tier in TIERS}  # the report replays this per prompt: a dict beats a call


def switch_cost(tier: str, context_tokens: int, prompts: int) -> float:
    """Cost of the next `prompts` prompts after switching to `tier` (the cache starts cold)."""
    first = PRICE[tier] * (CACHE_WRITE * context_tokens + TURN_TOKENS)
    rest = PRICE[tier] * (CACHE_READ * context_tokens + TURN_TOKENS) * (prompts - 1)
    return first + rest


def stay_cost(tier: str, context_tokens: int, prompts: int) -> float:
    return PRICE[tier] * (CACHE_READ * context_tokens + TURN_TOKENS) * prompts


def switch_pays(current: str, target: str, context_tokens: int, prompts: int) -> bool:
    """True when switching `current` -> `target` now is clearly cheaper over `prompts` prompts."""
    return switch_cost(target, context_tokens, prompts) <= SAVING_MARGIN * stay_cost(current, context_tokens, prompts)


def down_streak(recent: list, current: str) -> int:
    """How many of the latest routed tiers (newest last) are below the live tier, in a row."""
    n = 0
    top = _RANK[current]
    for tier in reversed(recent):
        r = _RANK.get(tier)
        if r is None or r >= top:
            break
        n += 1
    return n


def action(kind: str, want: str, intent: str, current: str | None, recent: list, context_tokens: int) -> str:
    """What the hook does about a routed prompt: UP, DOWN (suggest /model), DELEGATE (hand a
    one-off lookup to a haiku subagent), or "" (stay silent). `recent` holds the routed tiers
    before this prompt, newest last; `context_tokens` is the conversation's size."""
    if current not in _RANK or kind == "continue" or want not in _RANK:
        return ""
    if _RANK[want] > _RANK[current]:
        return UP
    if _RANK[want] < _RANK[current]:
        if want == "haiku" and intent == "lookup":
            return DELEGATE
        streak = down_streak(recent, current) + 1
        if streak >= DOWN_STREAK and switch_pays(current, want, context_tokens, min(streak + 2, 6)):
            return DOWN
    return ""
