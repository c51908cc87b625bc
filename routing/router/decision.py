"""The classifier's input context and its answer.

Plain slotted classes rather than dataclasses: `dataclasses` imports
`inspect`, which alone costs the hook several milliseconds at start-up.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only; importing typing costs the hooks start-up time
    from typing import Any, Sequence

KINDS = ("task", "escalate", "continue")
# What the assistant's previous turn did, as read from the transcript's tail:
# edit (changed files or claimed a fix), answer (answered or explained),
# plan (proposed a plan or asked for approval), question (asked the user
# something), error (failed or was cut off).
PREV_KINDS = ("edit", "answer", "plan", "question", "error")


class Context:
    """What the classifier may know about the session a prompt belongs to."""

    __slots__ = ("current_tier", "recent", "escalations", "prev_kind")

    def __init__(
        self,
        current_tier: str | None = None,
        recent: Sequence[str] = (),
        escalations: int = 0,
        prev_kind: str | None = None,
    ) -> None:
        self.current_tier = current_tier
        self.recent = tuple(recent)  # tiers of the latest decisions, oldest first
        self.escalations = escalations
        self.prev_kind = prev_kind if prev_kind in PREV_KINDS else None


class Decision:
    __slots__ = ("tier", "kind", "confidence", "reasons", "intent")

    def __init__(
        self,
        tier: str,
        kind: str = "task",
        confidence: float = 0.5,
        reasons: Sequence[str] = (),
        intent: str = "",
    ) -> None:
        self.tier = tier
        self.kind = kind
        self.confidence = round(max(0.0, min(1.0, confidence)), 2)
        self.reasons = list(reasons)
        # What the prompt asks for (lookup, explain, code, diagnose, design):
        # a short label the hooks use for their one-line messages.
        self.intent = intent

    def to_dict(self) -> dict[str, Any]:
        return {
            "tier": self.tier,
            "kind": self.kind,
            "confidence": self.confidence,
            "intent": self.intent,
            "reasons": list(self.reasons),
        }

    def __repr__(self) -> str:
        return f"Decision({self.tier!r}, {self.kind!r}, {self.confidence}, intent={self.intent!r})"
