"""Load the classifier's rule set (built-in data plus user layers) and compile it.

Phrases are matched as token n-grams through a dict rather than as one large
regex alternation: Python's `re` tries every branch at every position, and
the router has to sustain tens of thousands of prompts a second.
"""

from __future__ import annotations

import json
import os
import re

from routing.tiers import TIERS

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs the hooks start-up time
    from typing import Any, Iterable, Mapping

BUILTIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules.json")
# Hyphens and dots split words ("race-condition" is "race condition") the same
# way in lexicons and prompts; apostrophes stay inside ("what's").
TOKEN = re.compile(r"\w+(?:['’]\w+)*")


def tokens(text: str) -> tuple[str, ...]:
    return tuple(TOKEN.findall(text.lower()))


class UserRule:
    """A team or user rule: if it matches, it sets (or bounds) the tier."""

    __slots__ = ("name", "tier", "mode", "reason", "phrases", "substrings", "regexes")

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.name = str(spec["name"])
        self.tier = str(spec["tier"])
        if self.tier not in TIERS:
            raise ValueError(f"rule {self.name!r}: tier must be one of {', '.join(TIERS)}")
        self.mode = str(spec.get("mode", "set"))
        if self.mode not in ("set", "floor", "ceiling"):
            raise ValueError(f"rule {self.name!r}: mode must be set, floor or ceiling")
        self.reason = str(spec.get("reason") or f"rule {self.name!r}")
        self.phrases = frozenset(tokens(w) for w in spec.get("words", ()) if tokens(w))
        self.substrings = tuple(str(s).lower() for s in spec.get("substrings", ()))
        self.regexes = tuple(re.compile(r, re.I) for r in spec.get("regex", ()))


class RuleSet:
    """Compiled lexicons: phrase n-grams, raw substrings and regexes per signal."""

    def __init__(self, signals: Mapping[str, Mapping[str, Any]], rules: Iterable[Mapping[str, Any]] = ()) -> None:
        self.reasons: dict[str, str] = {}
        self.phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.substrings: list[tuple[str, str]] = []
        # (pattern, signal, gate): the pattern is tried only when one of the
        # gate's substrings is in the text (no gate: always).
        self.regexes: list[tuple[re.Pattern[str], str, frozenset[str]]] = []
        grouped: dict[tuple[str, ...], list[str]] = {}
        for name, spec in signals.items():
            self.reasons[name] = str(spec.get("reason", name))
            for w in spec.get("words", ()):
                key = tokens(w)
                if key:
                    grouped.setdefault(key, []).append(name)
            for s in spec.get("substrings", ()):
                self.substrings.append((str(s).lower(), name))
            for r in spec.get("regex", ()):
                if isinstance(r, dict):
                    pattern, needs = str(r["pattern"]), tuple(str(x).lower() for x in r.get("needs", ()))
                else:
                    pattern, needs = str(r), ()
                self.regexes.append((re.compile(pattern, re.I | re.M), name, frozenset(needs)))
        self.phrases = {k: tuple(dict.fromkeys(v)) for k, v in grouped.items()}
        # Every gate substring once: a prompt is searched for each just once.
        self.gates = tuple(sorted({g for _, _, needs in self.regexes for g in needs}))
        self.max_len = max((len(k) for k in self.phrases), default=1)
        self.starters = frozenset(k[0] for k in self.phrases)
        self.user_rules = tuple(UserRule(r) for r in rules)


def _entry_key(entry: Any) -> str:
    """A lexicon entry's identity: the text, or a regex table's pattern."""
    return str(entry["pattern"]) if isinstance(entry, dict) else str(entry)


def merge_signals(base: Mapping[str, Any], layer: Mapping[str, Any]) -> dict[str, Any]:
    """Apply one config layer's [signals.NAME] tables over the signals so far.

    `words`/`substrings`/`regex` replace a list, `add_*` extends it and
    `remove_*` drops entries, so a layer can tune a lexicon without
    restating it.
    """
    out = {k: dict(v) for k, v in base.items()}
    for name, change in layer.items():
        sig = out.setdefault(name, {"reason": name})
        for field in ("words", "substrings", "regex"):
            if field in change:
                sig[field] = list(change[field])
            if f"add_{field}" in change:
                sig[field] = list(sig.get(field, ())) + list(change[f"add_{field}"])
            if f"remove_{field}" in change:
                drop = {_entry_key(w) for w in change[f"remove_{field}"]}
                sig[field] = [w for w in sig.get(field, ()) if _entry_key(w) not in drop]
        if "reason" in change:
            sig["reason"] = change["reason"]
    return out


def builtin_data() -> dict[str, Any]:
    with open(BUILTIN, encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def compile_rules(layers: Iterable[Mapping[str, Any]] = ()) -> RuleSet:
    """Built-in rules with each config layer applied in order."""
    data = builtin_data()
    signals: dict[str, Any] = data["signals"]
    rules: list[Mapping[str, Any]] = list(data.get("rules", ()))
    for layer in layers:
        if layer.get("signals"):
            signals = merge_signals(signals, layer["signals"])
        rules.extend(layer.get("rules", ()))
    return RuleSet(signals, rules)
