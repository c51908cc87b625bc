"""What the UserPromptSubmit hook says about a routed prompt: the pure decision.

Claude Code gives a hook no way to change the main model, so the hook can
only advise. It speaks rarely:
- silent when the live model fits (or when it does not know the live model);
- up: one line with the `/model` command and why, not repeated for the same
  tier within REPEAT_AFTER prompts, except that an explicit complaint ("that's
  shallow, think harder") is always answered, once per complaint; in enforce mode, the prompt is blocked once
  and passes when sent again (recognised by its hash);
- down: a one-off lookup is better delegated to a haiku subagent (told to
  Claude, not the user); switching the main model down pays only when the
  conversation is short enough that re-reading it uncached costs less than
  the cheaper tier saves over the next few prompts (each model has its own
  prompt cache). When to do which is `routing.router.policy`, which the
  report's what-if replays too.
"""

from __future__ import annotations

from routing.core.tiers import TIERS
from routing.router import policy
from routing.router.decision import Decision
from routing.state.session import bump

# The when-to-switch policy lives in routing.router.policy (the report replays it); these
# names stay importable from here.
from routing.router.policy import (  # noqa: F401
    CACHE_READ, CACHE_WRITE, DOWN_STREAK, PRICE, SAVING_MARGIN, TURN_TOKENS, down_streak, stay_cost, switch_cost,
    switch_pays,
)

REPEAT_AFTER = 5  # prompts before the same suggestion may be shown again

_TOPICS = (
    ("architecture", "architecture"),
    ("security", "security"),
    ("concurrency", "concurrency"),
    ("memory", "memory safety"),
    ("performance", "performance"),
    ("caching", "caching"),
    ("spans many", "cross-cutting"),
    ("heisenbug", "flaky bug"),
    ("design", "design"),
)
_INTENT_LABEL = {
    "lookup": "lookup",
    "explain": "explanation",
    "code": "routine coding",
    "diagnose": "debugging",
    "design": "design",
    "task": "everyday",
}


def label(decision: Decision) -> str:
    """A few words for why: `architecture/security task`, `routine coding task`."""
    if decision.kind == "escalate":
        return "the last answer fell short"
    low = [r.lower() for r in decision.reasons if not r.startswith("not ")]
    topics: list[str] = []
    for key, name in _TOPICS:
        if any(key in r for r in low) and name not in topics:
            topics.append(name)
    if topics:
        return "/".join(topics[:2]) + " task"
    return f"{_INTENT_LABEL.get(decision.intent, decision.intent or 'everyday')} task"


class Advice:
    """The hook's output, and what to remember about it in the session's `suggestions`."""

    __slots__ = ("output", "key", "blocked_hash", "passed", "blocks")

    def __init__(self, output: dict | None = None, key: str = "", blocked_hash: str = "", passed: bool = False):
        self.output = output
        self.key = key  # a user-visible suggestion was shown (dedupe key)
        self.blocked_hash = blocked_hash  # enforce: blocked this prompt
        self.passed = passed  # enforce: a blocked prompt came again and passes
        self.blocks = bool(blocked_hash)

    def apply(self, suggestions: dict, prompt_no: int) -> None:
        """Remember this advice in the session record (no prompt text, a hash at most)."""
        if self.key:
            suggestions["last_key"] = self.key
            suggestions["last_at"] = prompt_no
            bump(suggestions, "shown")
            by = suggestions.get("by_key")
            if not isinstance(by, dict):
                by = suggestions["by_key"] = {}
            bump(by, self.key)
        if self.blocked_hash:  # kept after the resend passes: the same prompt is never blocked twice
            suggestions["blocked_hash"] = self.blocked_hash
            bump(suggestions, "blocked")
        if self.output and "hookSpecificOutput" in self.output:
            bump(suggestions, "delegations")

    def as_suggestion(self) -> "Advice":
        """The same advice without blocking (when the block could not be remembered)."""
        if not self.blocks or not self.output:
            return self
        return Advice({"systemMessage": self.output["reason"].split(". ")[0]}, self.key)


def _recently_shown(suggestions: dict, key: str, prompt_no: int) -> bool:
    last_at = suggestions.get("last_at")
    return (
        suggestions.get("last_key") == key
        and isinstance(last_at, int)
        and prompt_no - last_at < REPEAT_AFTER
    )


def advise(
    decision: Decision,
    current: str | None,
    *,
    mode: str,
    suggestions: dict,
    prompt_no: int,
    prompt_hash: str,
    recent: list,
    context_tokens: int,
    model_for,
) -> Advice:
    """Decide what to say. `recent` holds routed tiers before this prompt, newest last."""
    if mode == "off":
        return Advice()
    complaint = decision.kind == "escalate"
    act = policy.action(decision.kind, decision.tier, decision.intent, current, recent, context_tokens)
    want = decision.tier
    model = model_for(want)
    why = label(decision)
    if complaint and not act and mode != "enforce":
        # The moment a user most wants a word from us: answer every explicit complaint once.
        if current == TIERS[-1] or current == want:
            return Advice({"systemMessage": f"route: noted; already on {current}, the top tier -> /effort high"},
                          f"escalate:{want}")
        if current is None:  # the live model is unknown: say what the complaint calls for
            return Advice({"systemMessage": f"route: {why} -> /model {model}"}, f"escalate:{want}")
    if not act:
        return Advice()
    if act == policy.UP:
        key = f"up:{want}"
        if mode == "enforce":
            if suggestions.get("blocked_hash") == prompt_hash:
                return Advice(passed=True)
            reason = (
                f"route: {why} needs {want}, and this session is on {current}. "
                f"Run /model {model} and send the prompt again, or send it again unchanged to go ahead on {current}"
            )
            return Advice({"decision": "block", "reason": reason}, key, blocked_hash=prompt_hash)
        if not complaint and _recently_shown(suggestions, key, prompt_no):
            return Advice()
        return Advice({"systemMessage": f"route: {why} -> /model {model}"}, key)
    if act == policy.DELEGATE:
        return Advice(
            {
                "hookSpecificOutput": {
                    "hookEventName": "UserPromptSubmit",
                    "additionalContext": (
                        "modelroute: this prompt is a one-off lookup. Unless the answer is already in "
                        "context, delegate it to a subagent (Agent tool, model \"haiku\") rather than "
                        "searching in this conversation: a fraction of the cost, and this context stays small."
                    ),
                }
            }
        )
    key = f"down:{want}"
    if _recently_shown(suggestions, key, prompt_no):
        return Advice()
    return Advice({"systemMessage": f"route: {why} fits {want} -> /model {model} (short conversation: switching is cheap)"}, key)
