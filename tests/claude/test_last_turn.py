"""The hook reads what the assistant's last turn did from the transcript's tail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.hookrun import SAMPLES, SID, prompt_payload, run_hook, start

from routing.claude.last_turn import previous_turn_kind
from routing.state import store as state


def _assistant(content: list, **extra) -> str:
    return json.dumps({"type": "assistant", "isSidechain": False, "message": {"content": content}, **extra})


def _user(content, **extra) -> str:
    return json.dumps({"type": "user", "isSidechain": False, "message": {"content": content}, **extra})


EDITED = [_user("the save button crashes"), _assistant([{"type": "tool_use", "name": "Edit"}]),
          _user([{"type": "tool_result", "content": "ok"}]), _assistant([{"type": "text", "text": "Fixed it."}])]


@pytest.mark.parametrize(
    "lines, want",
    [
        (EDITED, "edit"),
        ([_user("plan it"), _assistant([{"type": "text", "text": "1. split 2. migrate. Shall I proceed?"}])], "plan"),
        ([_user("which db?"), _assistant([{"type": "text", "text": "Which one do you use, Postgres or MySQL?"}])],
         "question"),
        ([_user("where is it?"), _assistant([{"type": "text", "text": "In src/save.ts."}])], "answer"),
        ([_user("go"), _assistant([{"type": "text", "text": "API Error: 529"}], isApiErrorMessage=True)], "error"),
        # A background task's completion is the host's, not the user's: the turn goes on before it.
        (EDITED + [_user("<task-notification><task-id>a1</task-id></task-notification>"),
                   _assistant([{"type": "text", "text": "The subagent is done."}], isSidechain=True)], "edit"),
        # The current prompt may already be in the file.
        (EDITED + [_user("it still crashes")], "edit"),
        ([_user("first prompt")], None),
        ([], None),
    ],
)
def test_the_last_turn_is_named_by_what_it_did(lines: list, want) -> None:
    assert previous_turn_kind(lines) == want


def test_captured_transcripts_end_with_an_answer() -> None:
    lines = (SAMPLES / "transcript-main.jsonl").read_text(encoding="utf-8").splitlines()
    assert previous_turn_kind(lines) in ("answer", "edit", "question", "plan")


def test_a_complaint_right_after_a_fix_is_counted_as_an_escalation(tmp_path: Path) -> None:
    start("claude-sonnet-5")
    transcript = tmp_path / "t.jsonl"
    transcript.write_text("\n".join(EDITED) + "\n", encoding="utf-8")
    run_hook("user_prompt_submit.py", prompt_payload("it still crashes on save", transcript=str(transcript)))
    rec = state.read(SID)
    assert rec is not None and rec.last_decision["kind"] == "escalate"
    # Without that turn, the same words are a new bug report.
    other = "f1e2d3c4-0000-4000-8000-000000000001"
    run_hook("user_prompt_submit.py", prompt_payload("the save button crashes", session_id=other))
    assert state.read(other).last_decision["kind"] == "task"
