"""Text from config files and hook inputs, made safe to print on a terminal or a status line.

A model name in a repository's config, or a display name in Claude Code's
statusLine input, can hold terminal escapes (a window-title change got
through), newlines (a status of several lines) or lone surrogates (a
traceback on encoding). What we print goes through here.
"""

from __future__ import annotations


def printable(value: object, limit: int = 200) -> str:
    """`value` as one line of printable text, at most `limit` characters; anything else shows as '?'."""
    text = value if isinstance(value, str) else str(value)
    text = text[:limit]
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else "?" for c in text)  # lone surrogates are not printable


def is_model_name(value: object, limit: int = 100) -> bool:
    """A usable model name: printable (no escapes, no newlines), 1 to `limit` characters.

    Quotes and spaces are allowed: the wrappers quote what they pass on.
    """
    return isinstance(value, str) and 0 < len(value) <= limit and value.isprintable()
