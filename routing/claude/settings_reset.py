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
import re

from routing.core.tiers import tier_of_model

_MODEL_VALUE = re.compile(r'"model"(\s*:\s*)"((?:[^"\\]|\\.)*)"')


def settings_path() -> str:
    from routing.claude.home import user_settings

    return user_settings()


def replace_model(text: str, new_model: str) -> str | None:
    """`text` with only its top-level "model" value replaced; None if it cannot be done safely."""
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("model"), str):
        return None
    want = dict(doc)
    want["model"] = new_model
    value = json.dumps(new_model, ensure_ascii=False)
    # Try each textual candidate; keep the one that changes exactly the top-level key.
    for m in _MODEL_VALUE.finditer(text):
        candidate = text[: m.start()] + '"model"' + m.group(1) + value + text[m.end():]
        try:
            if json.loads(candidate) == want:
                return candidate
        except ValueError:
            continue
    return None


def restore_default_model(default_model: str, switched_to: str | None) -> str:
    """Reset settings.json's "model" to `default_model`. Returns what happened, for the log."""
    path = settings_path()
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return "no settings file"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "settings.json is not UTF-8: left alone"
    try:
        doc = json.loads(text)
    except ValueError:
        return "settings.json does not parse: left alone"
    if not isinstance(doc, dict) or not isinstance(doc.get("model"), str):
        return "no model in settings.json"
    current = doc["model"]
    if current == default_model:
        return "already the default"
    if switched_to and tier_of_model(current) != tier_of_model(switched_to):
        return f"settings.json model {current!r} is not the session's /model {switched_to!r}: left alone"
    new = replace_model(text, default_model)
    if new is None:
        return "could not change only the model key: left alone"
    from routing.edits import fileops  # off the hot path: only when we write

    fileops.backup_once(path)
    fileops.atomic_write(path, new)
    return f"model {current!r} -> {default_model!r}"
