"""Which model a Claude Code session is on right now, and the `/model` switches its transcript shows.

No hook input says so directly: UserPromptSubmit carries no model field. The
evidence, newest first: the transcript's tail (a `/model X` command line, or
the model named in the latest assistant reply), then what the statusLine or
SessionStart last recorded in the state file. Only the transcript's last
TAIL_BYTES are read, so a long session costs the same as a short one.
"""

from __future__ import annotations

import os

from routing.core import fastjson, safeio
from routing.core.tiers import tier_of_model

TAIL_BYTES = 64 * 1024
# What a `/model X` leaves in the transcript, as regexes (group 1: the model). The hook
# runs before every prompt and must not wait for `re`: command_args and model_set find
# the same text (the tests hold them to these patterns).
MODEL_ARGS = r"<command-args>\s*([^<]*?)\s*</command-args>"
MODEL_SET = r"<local-command-stdout>\s*Set model to (?:\x1b\[[0-9;]*m)?([^\x1b<(]+)"
_ARGS, _ARGS_END = "<command-args>", "</command-args>"
_STDOUT, _SET = "<local-command-stdout>", "Set model to "


def command_args(content: str) -> str | None:
    """Group 1 of MODEL_ARGS: the first `<command-args>` closed before any other tag, stripped."""
    at = content.find(_ARGS)
    while at >= 0:
        start = at + len(_ARGS)
        end = content.find("<", start)
        if end >= 0 and content.startswith(_ARGS_END, end):
            return content[start:end].strip()
        at = content.find(_ARGS, at + 1)
    return None


def model_set(content: str) -> str | None:
    """Group 1 of MODEL_SET: what follows the first "Set model to " of a command's output,
    after one colour code, up to the next escape, tag or parenthesis."""
    at = content.find(_STDOUT)
    while at >= 0:
        i = at + len(_STDOUT)
        while i < len(content) and content[i].isspace():
            i += 1
        if content.startswith(_SET, i):
            i += len(_SET)
            if content.startswith("\x1b[", i):
                j = i + 2
                while j < len(content) and content[j] in "0123456789;":
                    j += 1
                if content.startswith("m", j):
                    i = j + 1
            j = i
            while j < len(content) and content[j] not in "\x1b<(":
                j += 1
            if j > i:
                return content[i:j]
        at = content.find(_STDOUT, at + 1)
    return None


def read_tail(path: str, limit: int = TAIL_BYTES) -> list[str]:
    """The complete lines among the last `limit` bytes of a regular file; [] if unreadable."""
    fd = safeio.open_regular(path) if isinstance(path, str) and path else None
    if fd is None:
        return []
    try:
        with os.fdopen(fd, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            start = max(0, size - limit)
            f.seek(start)
            data = f.read(limit)
    except (OSError, ValueError, TypeError):
        return []
    lines = data.decode("utf-8", "replace").splitlines()
    if start > 0 and lines:
        lines = lines[1:]  # the first one is cut
    return lines


def _entry(line: str) -> dict | None:
    """A transcript line that may name a model, parsed; None for every other line."""
    if '"model"' not in line and "/model" not in line and "Set model to" not in line:
        return None
    try:
        entry = fastjson.loads(line)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) else None


def model_in_line(line: str) -> str | None:
    """The model a transcript line shows the session on, if it shows one."""
    entry = _entry(line)
    return _model_of(entry) if entry is not None else None


def _is_model_command(entry: dict) -> bool:
    msg = entry.get("message")
    content = msg.get("content") if isinstance(msg, dict) else None
    return isinstance(content, str) and "<command-name>/model</command-name>" in content


def _model_of(entry: dict) -> str | None:
    if entry.get("isSidechain"):
        return None
    msg = entry.get("message")
    if not isinstance(msg, dict):
        return None
    if entry.get("type") == "assistant":
        model = msg.get("model")
        # "<synthetic>" marks locally made replies (errors, interrupts): not a model.
        return model if isinstance(model, str) and tier_of_model(model) else None
    if entry.get("type") != "user":
        return None
    content = msg.get("content")
    if not isinstance(content, str):
        return None
    if "<command-name>/model</command-name>" in content:
        model = command_args(content)
        if model and tier_of_model(model):
            return model
    elif "<local-command-stdout>" in content and "Set model to" in content:
        model = model_set(content)
        if model and tier_of_model(model.strip()):
            return model.strip()
    return None


def model_from_transcript(path: str) -> str | None:
    """The newest model evidence in the transcript's tail."""
    return model_from_lines(read_tail(path)) if path else None


def model_from_lines(lines: list[str]) -> str | None:
    """The newest model evidence among a tail's lines (read_tail)."""
    for line in reversed(lines):
        model = model_in_line(line)
        if model:
            return model
    return None


class Switch:
    """A `/model X` the transcript records: which line, and the models before and after."""

    __slots__ = ("line_id", "from_model", "to_model")

    def __init__(self, line_id: str, from_model: str | None, to_model: str) -> None:
        self.line_id, self.from_model, self.to_model = line_id, from_model, to_model


def last_switch(lines: list[str]) -> Switch | None:
    """The newest `/model` switch among a tail's lines, with the model of the reply before it.

    This is how a host without PostModelSwitch (2.1.197) shows the user's own choice.
    Scanned from the end, and only lines naming the command are parsed until it is found."""
    for i in range(len(lines) - 1, -1, -1):
        if "/model</command-name>" not in lines[i]:
            continue
        entry = _entry(lines[i])
        to_model = _model_of(entry) if entry is not None and _is_model_command(entry) else None
        line_id = entry.get("uuid") or entry.get("timestamp") if entry is not None else None
        if to_model is None or not isinstance(line_id, str) or not line_id:
            continue
        before = None
        for line in reversed(lines[:i]):
            if '"assistant"' in line:
                prior = _entry(line)
                before = _model_of(prior) if prior is not None and prior.get("type") == "assistant" else None
                if before:
                    break
        return Switch(line_id[:100], before, to_model)
    return None


MAX_LINE = 1 << 20  # a `/model` command line is short; longer lines are pasted material


def switched_with_model_command(path: str, limit: int = 32 * 1024 * 1024) -> str | None:
    """The last `/model X` of a whole transcript (for SessionEnd, off the hot path).

    Bounded whatever the path names: regular files only, at most `limit` bytes,
    and a line past MAX_LINE is skipped without being held (on /dev/zero an
    unbounded read took 6.7 GB in 10 s).
    """
    last = None
    if not isinstance(path, str) or not path:
        return None
    for raw in safeio.lines(path, MAX_LINE, limit, b"/model</command-name>"):
        model = model_in_line(raw.decode("utf-8", "replace"))
        if model:
            last = model
    return last
