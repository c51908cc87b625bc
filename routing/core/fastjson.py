"""JSON for the hot paths, through the `_json` C accelerator without the `json` package.

`import json` pulls in `re` (and with it enum, functools, ...) only to skip
whitespace: about 8 ms, most of a bare interpreter's start. The statusLine
runs after every Claude Code turn and needs no regex at all, so the hot
paths parse with `_json`'s scanner and write with a few lines of our own,
producing exactly what `json` would (compact separators). Without `_json`
(other Pythons), it falls back to `json`.
"""

from __future__ import annotations

try:
    import _json
except ImportError:  # pragma: no cover
    _json = None  # type: ignore[assignment]

_WS = " \t\n\r"


class _Context:
    """What the C scanner reads from a JSONDecoder: plain json.loads behaviour."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = float  # "NaN", "Infinity", "-Infinity"
    memo: dict = {}


try:
    _scan = _json.make_scanner(_Context()) if _json is not None else None
    _str_ascii = _json.encode_basestring_ascii
    _str_utf8 = _json.encode_basestring
except Exception:  # pragma: no cover - an interpreter whose _json differs
    _scan = None


def loads(data: str | bytes) -> object:
    """Parse one JSON document; ValueError (as json does) when it is not one."""
    if _scan is None:  # pragma: no cover
        import json

        return json.loads(data)
    text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
    if not isinstance(text, str):
        raise TypeError(f"expected str or bytes, not {type(data).__name__}")
    start = len(text) - len(text.lstrip(_WS))
    try:
        obj, end = _scan(text, start)
    except StopIteration as e:
        raise ValueError(f"Expecting value: char {e.value}") from None
    if text[end:].strip(_WS):
        raise ValueError(f"Extra data: char {end}")
    return obj


def _float(f: float) -> str:
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "Infinity" if f > 0 else "-Infinity"
    return float.__repr__(f)


def _key(k: object, enc) -> str:
    if isinstance(k, str):
        return enc(k)
    if k is True or k is False or k is None:
        return '"' + {True: "true", False: "false", None: "null"}[k] + '"'
    if isinstance(k, int):
        return '"' + int.__repr__(k) + '"'
    if isinstance(k, float):
        return '"' + _float(k) + '"'
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(k).__name__}")


def _encode(o: object, enc, out: list) -> None:
    if isinstance(o, str):
        out.append(enc(o))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif isinstance(o, int):
        out.append(int.__repr__(o))
    elif isinstance(o, float):
        out.append(_float(o))
    elif isinstance(o, dict):
        out.append("{")
        first = True
        for k, v in o.items():
            if not first:
                out.append(",")
            first = False
            out.append(_key(k, enc))
            out.append(":")
            _encode(v, enc, out)
        out.append("}")
    elif isinstance(o, (list, tuple)):
        out.append("[")
        for i, v in enumerate(o):
            if i:
                out.append(",")
            _encode(v, enc, out)
        out.append("]")
    else:
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def dumps(obj: object, ensure_ascii: bool = True) -> str:
    """Compact JSON, as json.dumps(obj, separators=(",", ":"), ensure_ascii=...)."""
    if _scan is None:  # pragma: no cover
        import json

        return json.dumps(obj, separators=(",", ":"), ensure_ascii=ensure_ascii)
    out: list = []
    _encode(obj, _str_ascii if ensure_ascii else _str_utf8, out)
    return "".join(out)
