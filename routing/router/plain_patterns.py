"""Plain-string versions of the rules.json patterns whose gates open on many real prompts.

A rules.json regex is compiled (and `re` imported, ~6 ms in a hook) only when
its gates open. For most patterns that is rare, but on the corpus of real
prompts an "error" or a " to " is in every sixth prompt. For those, the
function here finds exactly the span `re.search(pattern, text, flags)` finds;
LazyPattern uses it instead of compiling. PLAIN is keyed by the pattern's
exact source and flags, so a pattern edited in rules.json falls back to `re`
until its function is updated, and tests/router/test_textscan.py checks every
function against `re` on arbitrary text and on text made to match.

The text is lowercased and textscan.fold-ed (the patterns are IGNORECASE).
"""

from __future__ import annotations

from routing.router.textscan import is_word

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
