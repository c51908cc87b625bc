"""A small seeded fuzz run over every hook handler and the statusLine (bench/fuzz.py runs a large one)."""

from __future__ import annotations

import io
import os
import random
import sys
from pathlib import Path

import pytest
from support import fuzz

from routing.claude import hook_io, prompt_hook, session_hook, statusline, subagent_hook
from routing.core import errorlog

CASES = 150
HANDLERS = {
    "UserPromptSubmit": prompt_hook.handle,
    "PreToolUse": subagent_hook.handle,
    "SessionStart": session_hook.handle_start,
    "SessionEnd": session_hook.handle_end,
}


@pytest.fixture(autouse=True)
def sync_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELROUTE_SYNC_STATE", "1")  # no detached writers outliving the test


@pytest.mark.parametrize("event", list(HANDLERS))
def test_no_hook_input_makes_a_handler_raise(event: str) -> None:
    rng = random.Random(f"hooks-{event}")
    for _ in range(CASES):
        try:
            payload = hook_io.read_payload(io.BytesIO(fuzz.raw(rng)))
        except (ValueError, UnicodeDecodeError):
            continue  # not a JSON object: hook_io answers nothing and exits 0
        out = HANDLERS[event](payload)
        if out is not None:
            hook_io.fastjson.dumps(out, ensure_ascii=False)  # what emit() writes must encode
    log = Path(errorlog.log_path())
    assert "Error" not in (log.read_text() if log.exists() else "")


def test_the_status_line_is_one_line_for_any_input(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random("statusline")
    for _ in range(CASES):
        out = io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        assert statusline.run(io.BytesIO(fuzz.raw(rng))) == 0
        line = out.getvalue()
        assert line.endswith("\n") and line.count("\n") == 1
        assert line[:-1].isprintable(), repr(line)
        line.encode("utf-8")
    assert not os.path.exists(errorlog.log_path()) or "Traceback" not in Path(errorlog.log_path()).read_text()
