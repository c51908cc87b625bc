"""Load the classifier's rule set (built-in data plus user layers) and compile it.

Phrases are matched as token n-grams through a dict rather than as one large
regex alternation: Python's `re` tries every branch at every position, and
the router has to sustain tens of thousands of prompts a second.

The hooks classify one prompt per process and must not pay for `re` (~6 ms
to import) on an ordinary prompt: words come from routing.router.textscan, and
a rules.json regex is compiled, importing `re`, only when its gates open
(`needs`, `needs_words`, `requires`, see LazyPattern) and no plain-string
version of it exists (textscan.PLAIN).
"""

from __future__ import annotations

import marshal
import os
import sys

from routing.core import fastjson, paths
from routing.core.tiers import TIERS
from routing.router import textscan
from routing.router.textscan import PLAIN, fold, has_digit, stable_hash

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs the hooks start-up time
    import re
    from typing import Any, Iterable, Mapping

BUILTIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules.json")
# Hyphens and dots split words ("race-condition" is "race condition") the same
# way in lexicons and prompts; apostrophes stay inside ("what's").
CACHE_LAYOUT = 6  # bump when RuleSet._STATE or _shard_of changes
SHARDS = 256  # pieces of the phrase tables in the cache (see RuleSet.tables)
STEM_MIN = 4  # letters a stem needs: shorter ones would match too much
# re's flag values (re.IGNORECASE, re.MULTILINE, re.DOTALL), so patterns can be declared without importing it.
IGNORECASE, MULTILINE, DOTALL = 2, 8, 16


def meets(requires: tuple[tuple[str, ...], ...], text: str) -> bool:
    """Does `text` hold something of every group? An entry is a substring, `^x` for x opening
    a line, or `\\d` for any digit."""
    for group in requires:
        for need in group:
            if need == "\\d":
                if has_digit(text):
                    break
            elif need[:1] == "^":
                if text.startswith(need[1:]) or "\n" + need[1:] in text:
                    break
            elif need in text:
                break
        else:
            return False
    return True


class Found:
    """Where a plain-string matcher found its pattern: the part of re.Match the router reads."""

    __slots__ = ("_start", "_end")

    def __init__(self, start: int, end: int) -> None:
        self._start, self._end = start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def span(self) -> tuple[int, int]:
        return self._start, self._end


class LazyPattern:
    """A regex compiled on first use, and only when the text may hold a match.

    A hook process classifies one prompt and most patterns sit behind gates
    that never open for it; compiling them up front (re's compiler is pure
    Python, and importing re costs the hook more than classifying) would
    cost more than the classification. `requires` (see `meets`) is a
    condition every match meets, checked first; a pattern with a plain-string
    version in textscan.PLAIN never compiles at all. Under
    IGNORECASE both see the text through textscan.fold. A pattern that fails
    to compile matches nothing: classify() must never raise.
    """

    __slots__ = ("source", "flags", "requires", "_plain", "_rx")

    def __init__(self, source: str, flags: int = 0, requires: Iterable[Iterable[str]] = ()) -> None:
        self.source = source
        self.flags = flags
        self.requires = tuple(tuple(g) for g in requires)
        self._plain = PLAIN.get((source, flags))
        self._rx: "re.Pattern[str] | None | bool" = None

    def _get(self) -> "re.Pattern[str] | None":
        if self._rx is None:
            import re

            try:
                self._rx = re.compile(self.source, self.flags)
            except re.error:
                self._rx = False
        return self._rx or None

    def search(self, text: str) -> "re.Match[str] | Found | None":
        if self.requires or self._plain is not None:
            seen = fold(text) if self.flags & IGNORECASE else text
            if self.requires and not meets(self.requires, seen):
                return None
            if self._plain is not None:
                span = self._plain(seen)
                return None if span is None else Found(*span)
        rx = self._get()
        return rx.search(text) if rx else None


def _shard_of(word: str) -> int:
    return stable_hash(word) % SHARDS


def tokens(text: str) -> tuple[str, ...]:
    return tuple(textscan.words(text.lower()))


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
        self.regexes = tuple(_user_pattern(r, f"rule {self.name!r}") for r in spec.get("regex", ()))


class RuleSet:
    """Compiled lexicons: phrase n-grams, raw substrings and regexes per signal."""

    # What the marshal cache holds: everything but compiled objects, so a
    # hook process rebuilds nothing from the ~2,000 phrases. The phrase tables
    # (`phrases`, `lengths`) are kept in SHARDS pieces by their first word
    # (stems whole), and a set read back loads only the pieces its first
    # prompt's words need (see `tables`): unmarshalling all of them was most
    # of a hook's classification.
    # The substrings (Chinese, Japanese) are one more blob, read for a non-ASCII prompt only.
    _STATE = ("reasons", "shards", "substrings_blob", "regex_specs", "rule_specs", "gates", "word_gates", "stems",
              "stem_tables")

    def __init__(
        self, signals: Mapping[str, Mapping[str, Any]] = {}, rules: Iterable[Mapping[str, Any]] = (), *, state: Any = None
    ) -> None:
        self._pieces: "list[bytes | None] | None" = None  # shards not loaded yet; None when all are
        self._blobs: "tuple[bytes, ...] | None" = None  # the shards as read, for state()
        self._subs: "list[tuple[str, str]] | None" = []
        self._subs_blob: "bytes | None" = None
        self._subs_index: "dict[str, list[tuple[str, str]]] | None" = None
        if state is not None:
            self._load(state)
            return
        self.reasons: dict[str, str] = {}
        self.phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        # (pattern, signal, gate substrings, gate words, from a config file, requires):
        # the pattern is tried only when its gate meets the text (no gate: always).
        specs: list[tuple[str, str, tuple[str, ...], tuple[str, ...], bool, tuple]] = []
        grouped: dict[tuple[str, ...], list[str]] = {}
        for name, spec in signals.items():
            self.reasons[name] = str(spec.get("reason", name))
            for w in spec.get("words", ()):
                key = tokens(w)
                if len(key) == 1 and str(w).endswith("*") and len(key[0]) >= STEM_MIN:
                    key = (key[0] + "*",)  # a stem: any word starting with it
                if key:
                    grouped.setdefault(key, []).append(name)
            for s in spec.get("substrings", ()):
                self._subs.append((str(s).lower(), name))
            for r in spec.get("regex", ()):
                if isinstance(r, dict):
                    pattern = str(r["pattern"])
                    needs = tuple(str(x).lower() for x in r.get("needs", ()))
                    words = tuple(str(x).lower() for x in r.get("needs_words", ()))
                    user = bool(r.get(_USER))
                    requires = tuple(tuple(str(x) for x in g) for g in r.get("requires", ()))
                else:
                    pattern, needs, words, user, requires = str(r), (), (), False, ()
                specs.append((pattern, name, needs, words, user, requires))
        self.phrases = {k: tuple(dict.fromkeys(v)) for k, v in grouped.items()}
        self.regex_specs = specs
        self.rule_specs = [dict(r) for r in rules]
        # Every gate once: a prompt is searched for each substring just once,
        # and word gates are a set intersection with the prompt's words.
        self.gates = tuple(sorted({g for _, _, needs, _, _, _ in specs for g in needs}))
        self.word_gates = frozenset(w for _, _, _, words, _, _ in specs for w in words)
        # first word -> the lengths of phrases starting with it, longest first
        by_first: dict[str, set[int]] = {}
        for k in self.phrases:
            by_first.setdefault(k[0], set()).add(len(k))
        self.lengths = {w: tuple(sorted(ls, reverse=True)) for w, ls in by_first.items()}
        # stems ("gründlich*" for gründlicher, gründlichen ...) by their first letters
        self.stems: dict[str, list[str]] = {}
        for k in self.phrases:
            if k[0].endswith("*"):
                self.stems.setdefault(k[0][:STEM_MIN], []).append(k[0][:-1])
        self._derive()

    def _derive(self) -> None:
        # (pattern, signal, gate): the pattern is tried only when the gate
        # (substrings, and words marked "w:") meets the text; no gate: always.
        self.regexes = [
            (_user_pattern(p, f"signals.{name}") if user else LazyPattern(p, IGNORECASE | MULTILINE, requires),
             name, frozenset(needs) | frozenset(f"w:{w}" for w in words))
            for p, name, needs, words, user, requires in self.regex_specs
        ]
        # Which patterns each gate opens, and those no gate guards (by position: they are tried
        # in this order), so a prompt visits only the few its gates open, not every pattern.
        by_gate: dict[str, list[int]] = {}
        for i, (_, _, needs) in enumerate(self.regexes):
            for g in needs:
                by_gate.setdefault(g, []).append(i)
        self.opened_by = {g: tuple(v) for g, v in by_gate.items()}
        self.ungated = tuple(i for i, (_, _, needs) in enumerate(self.regexes) if not needs)
        self.user_rules = tuple(UserRule(r) for r in self.rule_specs)

    def stem_key(self, word: str) -> str | None:
        """The lexicon key of the longest stem `word` starts with, if any."""
        best = None
        for stem in self.stems.get(word[:STEM_MIN], ()):
            if word.startswith(stem) and (best is None or len(stem) > len(best)):
                best = stem
        return None if best is None else best + "*"

    def tables(self, words: Iterable[str]) -> tuple[dict[tuple[str, ...], tuple[str, ...]], dict[str, tuple[int, ...]]]:
        """(phrases, lengths), holding at least every phrase that starts with one of `words`.

        The first call on a set read from the cache loads only the shards of
        `words` (a hook classifies one prompt); the next loads the rest, so a
        process that routes many prompts pays for this once."""
        pieces = self._pieces
        if pieces is not None:
            if self._first:
                self._first = False
                needed: Iterable[int] = {_shard_of(w) for w in words}
            else:
                needed = range(len(pieces))
                self._pieces = None
            for i in needed:
                blob = pieces[i]
                if blob is not None:
                    phrases, lengths = marshal.loads(blob)
                    self.phrases.update(phrases)
                    self.lengths.update(lengths)
                    pieces[i] = None
        return self.phrases, self.lengths

    @property
    def shards(self) -> tuple[bytes, ...]:
        """The phrase tables without stems, as SHARDS marshal blobs of (phrases, lengths) by first word."""
        if self._blobs is None:
            parts: list[tuple[dict, dict]] = [({}, {}) for _ in range(SHARDS)]
            for key, names in self.phrases.items():
                if not key[0].endswith("*"):
                    parts[_shard_of(key[0])][0][key] = names
            for word, lengths in self.lengths.items():
                if not word.endswith("*"):
                    parts[_shard_of(word)][1][word] = lengths
            self._blobs = tuple(marshal.dumps(part) for part in parts)
        return self._blobs

    @property
    def substrings(self) -> list[tuple[str, str]]:
        """(substring, signal) pairs, matched anywhere (scripts written without spaces)."""
        if self._subs is None:
            self._subs = marshal.loads(self._subs_blob or b"")
        return self._subs

    @property
    def substrings_by_char(self) -> dict[str, list[tuple[str, str]]]:
        """The substrings by their first character: a prompt is searched only for those
        whose first character it holds (a Chinese prompt holds few of the ~700)."""
        if self._subs_index is None:
            index: dict[str, list[tuple[str, str]]] = {}
            for sub, name in self.substrings:
                if sub:
                    index.setdefault(sub[0], []).append((sub, name))
            self._subs_index = index
        return self._subs_index

    @property
    def substrings_blob(self) -> bytes:
        if self._subs_blob is None:
            self._subs_blob = marshal.dumps(self._subs)
        return self._subs_blob

    @property
    def stem_tables(self) -> tuple[dict, dict]:
        """The stems' entries of (phrases, lengths): loaded whole, as any long word may need one."""
        return ({k: v for k, v in self.phrases.items() if k[0].endswith("*")},
                {w: v for w, v in self.lengths.items() if w.endswith("*")})

    def state(self) -> tuple[Any, ...]:
        """Plain data (for marshal) from which _load rebuilds this rule set."""
        return tuple(getattr(self, k) for k in self._STATE)

    def _load(self, state: tuple[Any, ...]) -> None:
        if len(state) != len(self._STATE):
            raise ValueError("rules cache of another layout")
        for k, v in zip(self._STATE, state):
            if k == "shards":
                if not (isinstance(v, tuple) and len(v) == SHARDS and all(isinstance(b, bytes) for b in v)):
                    raise ValueError("rules cache of another layout")
                self._blobs = v
            elif k == "stem_tables":
                self.phrases, self.lengths = dict(v[0]), dict(v[1])
            elif k == "substrings_blob":
                if not isinstance(v, bytes):
                    raise ValueError("rules cache of another layout")
                self._subs, self._subs_blob = None, v
            else:
                setattr(self, k, v)
        self._pieces = list(self._blobs or ())
        self._first = True
        self._derive()


_USER = "from_config"  # marks a regex entry a config layer added: it runs on RE2, within a budget


def _user_pattern(pattern: Any, where: str) -> Any:
    """A config file's regex on the linear-time engine; ValueError naming the rule when refused."""
    from routing.router.user_regex import Refused, UserPattern  # RE2 only when a config has a regex

    source = pattern["pattern"] if isinstance(pattern, dict) else pattern
    try:
        return UserPattern(str(source))
    except Refused as e:
        raise ValueError(f"{where}: {e}") from None


def _mark_user(entries: Any) -> list[Any]:
    return [{**e, _USER: True} if isinstance(e, dict) else {"pattern": str(e), _USER: True} for e in entries]


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
            mark = _mark_user if field == "regex" else list
            if field in change:
                sig[field] = mark(change[field])
            if f"add_{field}" in change:
                sig[field] = list(sig.get(field, ())) + mark(change[f"add_{field}"])
            if f"remove_{field}" in change:
                drop = {_entry_key(w) for w in change[f"remove_{field}"]}
                sig[field] = [w for w in sig.get(field, ()) if _entry_key(w) not in drop]
        if "reason" in change:
            sig["reason"] = change["reason"]
    return out


def builtin_data() -> dict[str, Any]:
    import json  # only when the compiled cache is missing: the hooks avoid the json package

    with open(BUILTIN, encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def _cache_file() -> str | None:
    """Where the compiled built-in rules are kept between processes.

    Keyed on rules.json's size and mtime and on the Python version, so a new
    release or interpreter compiles afresh.
    """
    try:
        st = os.stat(BUILTIN)
    except OSError:
        return None
    tag = f"{CACHE_LAYOUT}-{st.st_size}-{st.st_mtime_ns}-{sys.version_info[0]}{sys.version_info[1]}"
    return os.path.join(paths.cache_dir_str(), f"rules-{tag}.marshal")


def _prune_caches(keep: str) -> None:
    """Drop caches of earlier rules.json versions: one file per release would pile up."""
    folder = os.path.dirname(keep)
    for name in os.listdir(folder):
        full = os.path.join(folder, name)
        if name.startswith("rules-") and name.endswith(".marshal") and full != keep:
            try:
                os.unlink(full)
            except OSError:
                pass


def _cached_builtin() -> RuleSet:
    """The built-in rule set, from the marshal cache when it is there (about 10x faster)."""
    path = _cache_file()
    if path:
        try:
            with open(path, "rb") as f:
                blob = f.read()  # loads() on bytes: load() on a file reads item by item, 4x slower
            return RuleSet(state=marshal.loads(blob))
        except Exception:  # any damage to a cache file only costs a rebuild
            pass
    data = builtin_data()
    rs = RuleSet(data["signals"], data.get("rules", ()))
    if path:
        try:
            paths.private_dir(os.path.dirname(path))  # ours, 0700, not a planted link
            tmp = f"{path}.{os.getpid()}.tmp"
            try:
                os.unlink(tmp)  # a stale one of ours, or a planted link: never written through
            except FileNotFoundError:
                pass
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            with open(os.open(tmp, flags, 0o600), "wb") as f:
                marshal.dump(rs.state(), f)
            os.replace(tmp, path)
            _prune_caches(path)
        except (OSError, ValueError):
            pass  # a read-only (or refused) cache only costs speed
    return rs


def compile_rules(layers: Iterable[Mapping[str, Any]] = ()) -> RuleSet:
    """Built-in rules with each config layer applied in order."""
    layers = list(layers)
    if not layers:
        return _cached_builtin()
    from routing.core import blobcache  # only with config layers

    key = _layers_key(layers)
    state = blobcache.get("userrules", key) if key else None
    if state is not None:
        try:
            return RuleSet(state=state)  # only a set that compiled was stored; its regexes compile again here
        except Exception:  # damaged, or RE2 went missing: compile afresh, which says why
            pass
    rs = _compile_layers(layers)
    if key:
        blobcache.put("userrules", key, rs.state())
    return rs


def _layers_key(layers: list) -> str:
    """A digest of the config layers and the built-in rules they apply to; "" when not marshal-able."""
    builtin = _cache_file() or ""
    try:  # canonical text: marshal's bytes depend on object identity, not only on value
        blob = fastjson.dumps([CACHE_LAYOUT, os.path.basename(builtin), layers]).encode("utf-8", "surrogatepass")
    except TypeError:  # TOML dates and times
        return ""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover
        from hashlib import blake2b
    return blake2b(blob, digest_size=16).hexdigest()


def _compile_layers(layers: list) -> RuleSet:
    data = builtin_data()
    signals: dict[str, Any] = data["signals"]
    rules: list[Mapping[str, Any]] = list(data.get("rules", ()))
    for layer in layers:
        if layer.get("signals"):
            signals = merge_signals(signals, layer["signals"])
        rules.extend(layer.get("rules", ()))
    return RuleSet(signals, rules)


_default_rules: "RuleSet | None" = None


def default_rules() -> RuleSet:
    """The built-in rule set, compiled once per process."""
    global _default_rules
    if _default_rules is None:
        _default_rules = compile_rules()
    return _default_rules


def rules_for(config: Any) -> RuleSet:
    """The rule set for a loaded config (routing.core.config.Config): built-in when untouched.

    A layer whose rules do not compile is reported in `config.warnings` and the
    built-in rules are used, so a broken team rule never stops a hook."""
    layers = config.rule_layers()
    if not layers:
        return default_rules()
    try:
        return compile_rules(layers)
    except (ValueError, KeyError, TypeError) as e:
        config.warnings.append(f"custom rules skipped: {e}")
        return default_rules()
