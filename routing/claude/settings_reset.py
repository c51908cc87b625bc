"""Put the default model back in Claude Code's user settings after a session's `/model`.

`/model opus` switches the running session and also writes `"model": "opus"`
into the user settings.json, so one hard problem would silently make every
later session Opus. At SessionEnd (config `claude.reset_model_on_exit`) we
change exactly one thing: the top-level "model" value, and only when the file
parses as a JSON object and still holds the model the session switched to
(a later edit by the user or another session wins). Every other byte is kept
when possible; the write is atomic and keeps the file's mode (routing.edits.fileops).
"""

from __future__ import annotations

import json

from routing.core.tiers import tier_of_model

MAX_SETTINGS_BYTES = 4 * 1024 * 1024  # settings.json is a few KB; anything this big is left alone
RETRIES = 3


def settings_path() -> str:
    from routing.claude.home import user_settings

    return user_settings()


def _ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def top_level_span(text: str, key: str) -> tuple[int, int] | None:
    """Where the value of a top-level `key` sits in a JSON object's text (the last one, as json.loads keeps).

    One pass over the text (raw_decode skips each value), so a large file
    costs linear time: trying json.loads on every `"model"` candidate was
    quadratic (12.1 s on a 332 KB file, past the hook's timeout).
    """
    decoder = json.JSONDecoder()
    i = _ws(text, 0)
    if text[i:i + 1] != "{":
        return None
    i = _ws(text, i + 1)
    if text[i:i + 1] == "}":
        return None
    span = None
    try:
        while True:
            if text[i:i + 1] != '"':
                return None
            name, i = json.decoder.scanstring(text, i + 1)
            i = _ws(text, i)
            if text[i:i + 1] != ":":
                return None
            i = _ws(text, i + 1)
            _, end = decoder.raw_decode(text, i)
            if name == key:
                span = (i, end)
            i = _ws(text, end)
            if text[i:i + 1] == ",":
                i = _ws(text, i + 1)
            elif text[i:i + 1] == "}":
                return span
            else:
                return None
    except ValueError:
        return None


def replace_model(text: str, new_model: str) -> str | None:
    """`text` with only its top-level "model" value replaced; None if it cannot be done safely.

    Every other byte is kept, line endings included (CRLF files stay CRLF).
    """
    span = top_level_span(text, "model")
    if span is None:
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("model"), str):
        return None
    candidate = text[: span[0]] + json.dumps(new_model, ensure_ascii=False) + text[span[1]:]
    want = dict(doc)
    want["model"] = new_model
    try:
        return candidate if json.loads(candidate) == want else None
    except ValueError:
        return None


def _read(path: str) -> bytes | None:
    with open(path, "rb") as f:
        raw = f.read(MAX_SETTINGS_BYTES + 1)
    return None if len(raw) > MAX_SETTINGS_BYTES else raw


CHANGED = "model "  # how restore_default_model's outcome starts when it changed the file


def restore_default_model(default_model: str, switched_to: str | None) -> str:
    """Reset settings.json's "model" to `default_model`. Returns what happened, for the log.

    Another program (Claude Code itself, an editor) may write the file while
    we work: it is read again just before the replace, and when it changed we
    start over on what it holds now, so their edit is never rolled back.
    """
    path = settings_path()
    for _ in range(RETRIES):
        try:
            raw = _read(path)
        except FileNotFoundError:
            return "no settings file"
        if raw is None:
            return f"settings.json is over {MAX_SETTINGS_BYTES // (1024 * 1024)} MB: left alone"
        outcome, new = _plan(raw, default_model, switched_to)
        if new is None:
            return outcome
        from routing.edits import fileops  # off the hot path: only when we write

        try:
            if _read(path) != raw:
                continue  # changed under us: decide again on what it holds now
        except FileNotFoundError:
            return "settings.json was removed meanwhile: left alone"
        fileops.backup_once(path)
        fileops.atomic_write(path, new)
        return outcome
    return "settings.json kept changing: left alone"


def _plan(raw: bytes, default_model: str, switched_to: str | None) -> tuple[str, str | None]:
    """(what happens, the new text or None to leave the file as it is)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "settings.json is not UTF-8: left alone", None
    try:
        doc = json.loads(text)
    except ValueError:
        return "settings.json does not parse: left alone", None
    if not isinstance(doc, dict) or not isinstance(doc.get("model"), str):
        return "no model in settings.json", None
    current = doc["model"]
    if current == default_model:
        return "already the default", None
    if switched_to and tier_of_model(current) != tier_of_model(switched_to):
        return f"settings.json model {current!r} is not the session's /model {switched_to!r}: left alone", None
    new = replace_model(text, default_model)
    if new is None:
        return "could not change only the model key: left alone", None
    return f"model {current!r} -> {default_model!r}", new
