"""Rewrite a JSON document in its author's own style: indent, separators, untouched members.

Claude Code's settings.json is edited by hand, by `/model`, and by us. A
rewrite keeps the file's indentation and separators, and the top-level
members we did not change keep their original text, so a diff shows only
what modelroute changed.
"""

from __future__ import annotations

import json
import re
from typing import Any, Optional


class Style:
    """How the file was written: indent, separators, trailing newline."""

    def __init__(self, indent: Any = 2, separators: tuple[str, str] = (",", ": "), newline: bool = True) -> None:
        self.indent = indent
        self.separators = separators
        self.newline = newline


def detect_style(text: str) -> Style:
    if not text.strip():
        return Style()
    m = re.search(r"\n([ \t]+)\S", text)
    if m is None:
        # One-line JSON: keep it on one line with its separators.
        compact = not re.search(r"[,:]\s", text)
        sep = (",", ":") if compact else (", ", ": ")
        return Style(None, sep, text.endswith("\n"))
    ws = m.group(1)
    indent: Any = ws if "\t" in ws else len(ws)
    colon = ": " if re.search(r'"\s*:\s', text) or not re.search(r'":', text) else ":"
    return Style(indent, (",", colon), text.endswith("\n"))


def render(doc: Any, style: Style, original: str = "") -> str:
    """The document as text in the file's style; top-level values we did not change keep
    their original text (a hand-formatted `"allow": ["a", "b"]` stays on one line)."""
    spans = _top_level_spans(original) if original and style.indent is not None else None
    if not spans or not isinstance(doc, dict) or not doc:
        text = json.dumps(doc, indent=style.indent, separators=style.separators, ensure_ascii=False)
        return text + ("\n" if style.newline else "")
    pad = style.indent if isinstance(style.indent, str) else " " * style.indent
    members = []
    for key, value in doc.items():
        span = spans.get(key)
        if span is not None and same_order(span[0], value):
            value_text = original[span[1]:span[2]]
        else:
            value_text = json.dumps(value, indent=style.indent, separators=style.separators, ensure_ascii=False)
            value_text = value_text.replace("\n", "\n" + pad)
        members.append(pad + json.dumps(key, ensure_ascii=False) + style.separators[1] + value_text)
    return "{\n" + ",\n".join(members) + "\n}" + ("\n" if style.newline else "")


def _top_level_spans(text: str) -> Optional[dict[str, tuple[Any, int, int]]]:
    """key -> (value, start, end) of each top-level member's value text; None if not a plain object."""
    decoder = json.JSONDecoder()
    ws = re.compile(r"[ \t\n\r]*")
    out: dict[str, tuple[Any, int, int]] = {}
    try:
        i = ws.match(text, 0).end()  # type: ignore[union-attr]
        if text[i] != "{":
            return None
        i = ws.match(text, i + 1).end()  # type: ignore[union-attr]
        if text[i] == "}":
            return out
        while True:
            if text[i] != '"':
                return None
            key, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
            i = ws.match(text, i).end()  # type: ignore[union-attr]
            if text[i] != ":":
                return None
            start = ws.match(text, i + 1).end()  # type: ignore[union-attr]
            value, end = decoder.raw_decode(text, start)
            if key in out:
                return None  # duplicate keys: let json.loads' last-wins rendering decide
            out[key] = (value, start, end)
            i = ws.match(text, end).end()  # type: ignore[union-attr]
            if text[i] == "}":
                return out
            if text[i] != ",":
                return None
            i = ws.match(text, i + 1).end()  # type: ignore[union-attr]
    except (IndexError, ValueError):
        return None


def same_order(a: Any, b: Any) -> bool:
    """Equal including key order (dict == ignores order, the file does not)."""
    return json.dumps(a) == json.dumps(b)
