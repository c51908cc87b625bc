"""The session record: every field modelroute keeps about one session, and how its counts move.

One definition for every writer (the Claude Code hooks, the statusLine, the
shell wrappers) and every reader (`route status`, `route report`, doctor).
A record read from disk goes through `Session.from_dict`, which keeps only
fields of the right type, so callers never guard with `int(x or 0)`; counts
change only through the methods below.

`escalations` (the ↑N a user sees) counts only what the user did: a
complaint about an answer (`up:prompt`), a shell escalation (`up:shell`), and
a switch up past the tier modelroute had routed to (`up:switch_<source>`:
`/model`, the picker, the SDK; `switch_transcript` where the host has no
PostModelSwitch). Seeing the model change (statusLine, transcript,
SessionStart) only records it; a switch that follows modelroute's own
suggestion, a prompt routed up and a subagent are not the user escalating.
`deescalations` counts the user's switches down. `moves` holds both by cause.

No field ever holds prompt text: `last_decision.prompt_hash` is a keyed
digest at most.
"""

from __future__ import annotations

from routing.core.tiers import TIERS, tier_of_model

RECENT = 5  # routed tiers kept in `recent`, newest last
SOURCES = ("claude", "shell")


def count(value: object) -> int:
    """A stored counter as a non-negative int (anything else counts as 0)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def bump(counters: dict, key: str, by: int = 1) -> int:
    """Add to one counter of a table of counters; the new value."""
    counters[key] = n = count(counters.get(key)) + by
    return n


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _counters(value: object) -> dict:
    return {str(k): count(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _table(value: object) -> dict | None:
    return value if isinstance(value, dict) else None


# name -> (reader from stored JSON, default factory). The order is the JSON's order.
FIELDS: dict = {
    "source": (lambda v: v if v in SOURCES else "claude", lambda: "claude"),  # who writes it
    "first_seen": (_num, lambda: 0.0),  # unix seconds
    "last_seen": (_num, lambda: 0.0),
    "model": (_text, lambda: None),  # the live model id, when known
    "tier": (lambda v: v if v in TIERS else None, lambda: None),  # the live model's tier
    "prompts": (lambda v: {t: count((v or {}).get(t)) for t in TIERS} if isinstance(v, dict) else None,
                lambda: {t: 0 for t in TIERS}),  # prompts by routed tier
    "escalations": (count, lambda: 0),
    "deescalations": (count, lambda: 0),
    "moves": (_counters, dict),  # "up:<cause>" / "down:<cause>" -> n
    "switched": (lambda v: v is True, lambda: False),  # the live model changed during the session
    "switch_events": (_counters, dict),  # PostModelSwitch events by source: the host's exact record
    "last_switch": (_text, lambda: None),  # the transcript `/model` line last counted (hosts without it)
    "switched_to": (_text, lambda: None),  # the model a /model or the picker saved as the default (PostModelSwitch)
    "last_decision": (_table, lambda: None),  # {tier, kind, intent, confidence, prompt_hash, mode}
    "recent": (lambda v: [t for t in v if t in TIERS][-RECENT:] if isinstance(v, list) else [], list),
    "suggestions": (lambda v: v if isinstance(v, dict) else {}, dict),  # routing.claude.advice's memory
    "subagents": (_counters, dict),  # by tier, and by_<who picked the model>
    "starts": (_counters, dict),  # SessionStart sources: startup, resume, clear, compact
    "start_source": (_text, lambda: None),
    "ended": (_text, lambda: None),  # SessionEnd's reason
    "model_reset": (_text, lambda: None),  # what SessionEnd did to settings.json's model
    "cost_usd": (_num, lambda: None),  # Claude Code's own figure, from the statusLine
    "status_at": (_num, lambda: None),  # when the statusLine that set cost_usd ran (newest wins)
    "context_tokens": (lambda v: count(v) or None, lambda: None),  # the last request's size
    "last_call": (_table, lambda: None),  # shell: {tier, at, tool} of the last wrapper call
}


class Session:
    """One session's record. `id` is the session id; the rest is stored as JSON."""

    __slots__ = ("id", "extra") + tuple(FIELDS)

    def __init__(self, session_id: str, source: str = "claude", now: float = 0.0) -> None:
        self.id = session_id
        self.extra: dict = {}  # stored fields this version does not know (a newer writer's): kept as they are
        for name, (_, default) in FIELDS.items():
            setattr(self, name, default())
        self.source = source if source in SOURCES else "claude"
        self.first_seen = self.last_seen = now

    @classmethod
    def from_dict(cls, session_id: str, data: object) -> "Session":
        """A record from stored JSON; fields of the wrong type take their defaults, unknown ones are kept aside."""
        rec = cls(session_id)
        if isinstance(data, dict):
            for name, value in data.items():
                spec = FIELDS.get(name)
                if spec is None:
                    rec.extra[name] = value
                    continue
                value = spec[0](value)
                setattr(rec, name, spec[1]() if value is None else value)
        return rec

    def to_dict(self) -> dict:
        out = {name: getattr(self, name) for name in FIELDS}
        for name, value in self.extra.items():
            out.setdefault(name, value)
        return out

    # -- counting ------------------------------------------------------------

    def count_prompt(self, tier: str) -> None:
        """One prompt (or wrapper call) routed to `tier`."""
        if tier in TIERS:
            bump(self.prompts, tier)

    def prompt_total(self) -> int:
        return sum(self.prompts.values())

    def count_escalation(self, cause: str) -> None:
        self._move("escalations", "up", cause)

    def count_deescalation(self, cause: str) -> None:
        self._move("deescalations", "down", cause)

    def _move(self, field: str, way: str, cause: str) -> None:
        setattr(self, field, getattr(self, field) + 1)
        bump(self.moves, f"{way}:{cause}")

    def observe(self, model: str | None, why: str) -> None:
        """Record the live model (`why`: who saw it). A change is remembered, never counted:
        only the user's own switch is (count_switch)."""
        tier = tier_of_model(model)
        if not model or tier is None:
            return
        old = self.tier
        self.model, self.tier = model, tier
        if old in TIERS and old != tier:
            self.switched = True

    def count_switch(self, from_model: str | None, to_model: str | None, cause: str) -> str:
        """A model switch the user made. Up counts as an escalation only when it goes past the
        tier modelroute last routed a prompt to: following modelroute's suggestion is not
        overruling it. Returns "up" or "down" when counted, else ""."""
        old, new = tier_of_model(from_model), tier_of_model(to_model)
        if old is None or new is None or old == new:
            return ""
        if TIERS.index(new) < TIERS.index(old):
            self.count_deescalation(f"switch_{cause}")
            return "down"
        routed = (self.last_decision or {}).get("tier")
        if routed in TIERS and TIERS.index(routed) < TIERS.index(new):
            self.count_escalation(f"switch_{cause}")
            return "up"
        return ""

    def remember_route(self, tier: str) -> None:
        """Keep the routed tier among the RECENT latest."""
        if tier in TIERS:
            self.recent = (self.recent + [tier])[-RECENT:]
