"""Reading a prompt's text without the regex engine: its words, and the character classes of `re`.

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
