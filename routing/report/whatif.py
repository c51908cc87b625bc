"""The what-if: price each recorded response again as modelroute would have run it.

Pure: prices and token counts in, dollars out. The claude_log parser calls it per
response, in transcript order, carrying a ParseState; the decisions it replays are
modelroute's own (routing.router.classify for the tier, routing.router.policy for
what the hook does about it), so the report cannot promise what the hook never does.

Scenarios (each in one plain sentence in `SCENARIOS`):
- automatic: nothing changes but what the hook does by itself. Subagents run on
  their routed tier (each has its own cache, so the parent's is untouched), and a
  lookup the hook hands to a haiku subagent is priced as that subagent, with a
  cold cache, plus two short main-model calls that launch it and relay its answer.
- follow: the user also follows every /model suggestion; each switch re-reads the
  conversation into the new model's cache (its cache reads billed as 5-minute
  cache writes), exactly where the hook would suggest one.
- achieved: what the routing that really ran saved: subagents that ran on another
  model than the main thread, against the same tokens on the main thread's model.
Ranges: output length differs by model. The low estimate keeps the recorded output
tokens on a cheaper tier (and 20% fewer on a pricier one); the high estimate has a
cheaper tier write 25% more (and the same on a pricier one). A delegated lookup's
subagent reads, at the low end, only the turn's new tokens plus its own 10,000-token
set-up, and at the high end as much context as the main thread did.
"""

from __future__ import annotations

from typing import Optional

from routing.core.tiers import TIERS, rank
from routing.report.pricing import PER, Price, cost, flat_rates

SPREAD_UP = 0.25  # a cheaper tier may write this much more output (high estimate)
SPREAD_DOWN = 0.20  # a pricier tier may write this much less (low estimate)
SUBAGENT_BASE = 10_000  # a subagent's own system prompt and tools, in tokens
RELAY_INPUT, RELAY_OUTPUT = 500, 300  # one main-model call to launch, one to relay

SCENARIOS = {
    "actual": "What the transcripts record, priced at the list price in force on each response's day.",
    "automatic": ("With modelroute installed and no action from you: subagents run on their routed tier, "
                  "and each one-off lookup the hook hands to a haiku subagent is priced as that subagent "
                  "(cold cache) plus the two main-model calls that launch it and relay its answer."),
    "follow": ("As automatic, and you also follow every /model suggestion: the model switches only where "
               "the hook suggests it, and each switch pays for re-reading the conversation into the new "
               "model's cache."),
    "achieved": ("What the routing that really ran already saved: subagents that ran on another model than "
                 "the main thread, compared with the same tokens on the main thread's model."),
}
RANGE_NOTE = ("Low and high: output length differs by model. Low keeps the recorded output tokens on a cheaper "
              "tier (20% fewer on a pricier one); high has a cheaper tier write 25% more. A delegated lookup's "
              "subagent reads the turn's new tokens plus a 10,000-token set-up (low) or as much as the main "
              "thread read (high).")


def repriced(p: Price, inp: int, out: int, cw5: int, cw1: int, cr: int, cheaper: bool) -> tuple[float, float]:
    """(low, high) for the same prompt on another model; only the output length is uncertain."""
    rates = flat_rates(p)
    if rates is not None:  # cost(), inlined: this runs for half the responses
        r_in, r_out, r_5m, r_1h, r_read = rates
        if cheaper:
            o_lo, o_hi = out, round(out * (1 + SPREAD_UP))
        else:
            o_lo, o_hi = round(out * (1 - SPREAD_DOWN)), out
        return ((inp * r_in + o_lo * r_out + cw5 * r_5m + cw1 * r_1h + cr * r_read) / PER,
                (inp * r_in + o_hi * r_out + cw5 * r_5m + cw1 * r_1h + cr * r_read) / PER)
    if cheaper:
        return cost(p, inp, out, cw5, cw1, cr), cost(p, inp, round(out * (1 + SPREAD_UP)), cw5, cw1, cr)
    return cost(p, inp, round(out * (1 - SPREAD_DOWN)), cw5, cw1, cr), cost(p, inp, out, cw5, cw1, cr)


_RANK = {tier: rank(tier) for tier in TIERS}  # asked for half the responses a report reads


def cheaper(target: str, recorded: Optional[str]) -> bool:
    return recorded is None or _RANK[target] < _RANK[recorded]


def reread_extra(p: Price, cr: int) -> float:
    """A switch's first response re-reads the history into the new model's cache."""
    return cr * (p.cache_write_5m - p.cache_read) / PER


def subagent_call(p: Price, prompt: int, previous: int, out: int) -> float:
    """One call of a fresh subagent: what it read before is cached, the rest is written."""
    read = min(previous, prompt)
    return cost(p, 0, out, prompt - read, 0, read)


def delegated(p: Price, prompt: int, out: int, history: int, prev_lo: int, prev_hi: int) -> tuple[float, float, int, int]:
    """(low, high, subagent prompt low, high) for one response of a lookup done by a haiku subagent."""
    lo_prompt = max(prompt - history, 0) + min(history, SUBAGENT_BASE)
    hi_prompt = prompt
    lo = subagent_call(p, lo_prompt, prev_lo, out)
    hi = subagent_call(p, hi_prompt, prev_hi, round(out * (1 + SPREAD_UP)))
    return lo, hi, lo_prompt, hi_prompt


def relay_overhead(p: Price, history: int) -> float:
    """The main thread still launches the subagent and relays its answer: two calls on the cached history."""
    return 2 * cost(p, RELAY_INPUT, RELAY_OUTPUT, 0, 0, history)
