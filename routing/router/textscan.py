"""Reading a prompt's text without the regex engine: its words, `re`'s character classes, and
string versions of the rules.json patterns real prompts open most (PLAIN).

The UserPromptSubmit hook classifies one prompt per process, and importing
`re` (with enum, functools and collections) costs it about 6 ms, more than
the classification. So the router's words come from a scan in plain Python
that gives exactly the tokens and spans of WORD. A process that has loaded
`re` anyway (`route report`, `route classify`, `route eval`: thousands of
prompts) uses the C engine, which is faster in bulk; tests/router/test_textscan.py
holds the two to the same answer on arbitrary text.

The classes match `re`'s on str patterns exactly: `\\w` is `isalnum()` or "_",
`\\d` is `isdecimal()`, `\\s` is `isspace()`. Under IGNORECASE `re` also lets
"i" match the dotless "ı" and "s" the long "ſ", the only such pairs a
lowercased text can hold; `fold` maps them so plain comparisons agree.
"""

from __future__ import annotations

import sys

# A word: letters, digits and underscores, with inner apostrophes ("what's", "don’t").
WORD = r"\w+(?:['’]\w+)*"
_APOSTROPHES = "'’"
_DIGITS = "0123456789"
# What IGNORECASE treats as "i", "s" and "k" in lowercased text (İ and K do not survive lower()).
_FOLD = {ord("ı"): "i", ord("ſ"): "s", ord("İ"): "i", ord("K"): "k"}

_compiled = None
_PRIME = 4294967291  # the largest prime below 2**32


def stable_hash(text: str) -> int:
    """A 32-bit hash that is the same in every process (str's hash() is salted per process).

    The bytes read as one little-endian integer, modulo a prime, then mixed: C-speed, and
    unlike zlib.crc32 it needs no extension module loaded before every prompt
    (~0.6 ms a hook). Rule shards and the learned layer's buckets are keyed by it.
    """
    x = int.from_bytes(text.encode("utf-8", "surrogatepass"), "little") % _PRIME
    return (x * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF) >> 32  # Fibonacci hashing spreads the bits



def _c_engine():
    """WORD compiled by `re` when something has imported it already; None otherwise."""
    global _compiled
    if _compiled is None:
        re = sys.modules.get("re")
        if re is None:
            return None
        _compiled = re.compile(WORD)
    return _compiled


def is_word(c: str) -> bool:
    """`\\w` for one character."""
    return c.isalnum() or c == "_"


def _scan(text: str) -> list[tuple[int, int]]:
    spans = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if not (c.isalnum() or c == "_"):
            i += 1
            continue
        start = i
        i += 1
        while True:
            while i < n and (text[i].isalnum() or text[i] == "_"):
                i += 1
            # an apostrophe continues the word only with a word character after it
            if i + 1 < n and text[i] in _APOSTROPHES and (text[i + 1].isalnum() or text[i + 1] == "_"):
                i += 2
                continue
            break
        spans.append((start, i))
    return spans


def words(text: str) -> list[str]:
    """The words of `text`, as `re.findall(WORD, text)`."""
    rx = _c_engine()
    if rx is not None:
        return rx.findall(text)
    return [text[s:e] for s, e in _scan(text)]


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word of `text`, as `[m.span() for m in re.finditer(WORD, text)]`."""
    rx = _c_engine()
    if rx is not None:
        return [m.span() for m in rx.finditer(text)]
    return _scan(text)


def fold(text: str) -> str:
    """Lowercased `text` with the characters IGNORECASE equates to ASCII letters replaced by them
    (same length, so offsets hold)."""
    return text if text.isascii() else text.translate(_FOLD)


def has_digit(text: str) -> bool:
    """Does `\\d` occur in `text`?"""
    for d in _DIGITS:
        if d in text:
            return True
    return not text.isascii() and any(c.isdecimal() for c in text)


# -- rules.json patterns in plain code --------------------------------------------------------
#
# A rules.json regex is compiled (and `re` imported, ~6 ms in a hook) only when
# its gates open. For most patterns that is rare, but on the corpus of real
# prompts an "error" or a " to " is in every sixth prompt. For those, the
# functions below find exactly the span `re.search(pattern, text, flags)`
# finds, and LazyPattern uses them instead of compiling. PLAIN is keyed by the
# pattern's exact source and flags, so a pattern edited in rules.json falls
# back to `re` until its function is updated (a test says so), and
# tests/router/test_textscan.py checks every function against `re` on
# arbitrary text and on text made to match. They read the lowercased,
# `fold`-ed text (the patterns are IGNORECASE).

_I_M = 2 | 8  # IGNORECASE | MULTILINE, as rules.json patterns are compiled

ERROR_NAME = r"\b\w+(?:Error|Exception)\b"


def error_name(text: str) -> "tuple[int, int] | None":
    """A word ending in "error" or "exception" after at least one more word character."""
    best = None
    for suffix in ("error", "exception"):
        i = text.find(suffix, 1)
        while i >= 0:
            end = i + len(suffix)
            if is_word(text[i - 1]) and (end == len(text) or not is_word(text[end])):
                start = i - 1
                while start > 0 and is_word(text[start - 1]):
                    start -= 1
                if best is None or start < best[0]:
                    best = (start, end)
                break
            i = text.find(suffix, i + 1)
    return best


TIMING_CHANGE = r"\b\d+(?:\.\d+)?\s*(?:ms|s|sec|seconds|min|minutes)\s*(?:->|→|to)\s*\d"
_UNITS = ("ms", "s", "sec", "seconds", "min", "minutes")  # in the pattern's order: the first that fits wins


def _skip_space(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i].isspace():
        i += 1
    return i


def timing_change(text: str) -> "tuple[int, int] | None":
    """A duration going to another number: "120ms -> 450", "2 s to 9"."""
    n = len(text)
    for p in range(n):
        if not text[p].isdecimal() or p and is_word(text[p - 1]):
            continue
        i = p + 1
        while i < n and text[i].isdecimal():
            i += 1
        if text[i : i + 1] == "." and text[i + 1 : i + 2].isdecimal():
            i += 2
            while i < n and text[i].isdecimal():
                i += 1
        i = _skip_space(text, i)
        for unit in _UNITS:
            if not text.startswith(unit, i):
                continue
            j = _skip_space(text, i + len(unit))
            arrow = 2 if text.startswith(("->", "to"), j) else 1 if text.startswith("→", j) else 0
            if arrow:
                k = _skip_space(text, j + arrow)
                if k < n and text[k].isdecimal():
                    return p, k + 1
    return None


NO_AT_START = r"^(?:wrong|nope|no|nein|non|não|incorrect)\s*[.,!]"
_NO = ("wrong", "nope", "no", "nein", "non", "não", "incorrect")


def no_at_start(text: str) -> "tuple[int, int] | None":
    """A line opening with a "no" and a stop: "no.", "wrong!", "nope ,"."""
    at = 0
    while True:
        for word in _NO:
            if text.startswith(word, at):
                j = _skip_space(text, at + len(word))
                if j < len(text) and text[j] in ".,!":
                    return at, j + 1
        at = text.find("\n", at) + 1
        if not at:
            return None


HOW_TO_CHANGE = (r"\bhow\s+(?:do|can|should|would)\s+(?:i|we)\s+"
                 r"(?:fix|add|implement|write|change|convert|refactor|test|make|rename|update)\b")
# The words after "how", each group separated by whitespace. No word of a group starts
# another, so at most one of them fits and the order of trying them does not matter.
HOW_TO_CHANGE_WORDS = (("do", "can", "should", "would"), ("i", "we"),
                       ("fix", "add", "implement", "write", "change", "convert", "refactor", "test", "make", "rename",
                        "update"))


def _then_words(text: str, i: int, groups: "tuple[tuple[str, ...], ...]") -> "int | None":
    """Where `\\s+(?:a|b)\\s+(?:c|d)...\\b` starting at i ends; None if it does not match there."""
    for k, group in enumerate(groups):
        j = _skip_space(text, i)
        if j == i:
            return None
        last = k == len(groups) - 1
        for word in group:
            end = j + len(word)
            if text.startswith(word, j) and (
                (end == len(text) or not is_word(text[end])) if last else end < len(text) and text[end].isspace()
            ):
                i = end
                break
        else:
            return None
    return i


def how_to_change(text: str) -> "tuple[int, int] | None":
    """Asking how to change code: "how do I fix", "how can we rename"."""
    i = text.find("how")
    while i >= 0:
        if i == 0 or not is_word(text[i - 1]):
            end = _then_words(text, i + 3, HOW_TO_CHANGE_WORDS)
            if end is not None:
                return i, end
        i = text.find("how", i + 1)
    return None


PLAIN = {
    (ERROR_NAME, _I_M): error_name,
    (TIMING_CHANGE, _I_M): timing_change,
    (NO_AT_START, _I_M): no_at_start,
    (HOW_TO_CHANGE, _I_M): how_to_change,
}
