"""Host-injected turns: recognised by their text (hook input) and their origin (transcript rows)."""

from __future__ import annotations

import json

import pytest
from support.tools import DATA

from routing.router.injected import is_injected, is_injected_row

NEW = DATA / "host-samples" / "claude-code-2.1.332"


@pytest.mark.parametrize("name", ["hook-stdin-UserPromptSubmit-task-notification.json",
                                  "hook-stdin-UserPromptSubmit-task-notification-headless.json",
                                  "hook-stdin-UserPromptSubmit-agent-message-handback.json"])
def test_the_captured_injected_prompts_are_recognised(name: str) -> None:
    assert is_injected(json.loads((NEW / name).read_text())["prompt"])


@pytest.mark.parametrize("prompt", [
    "first prompt plain hello",
    "what does <task-notification> mean in the Claude Code docs?",  # mentioning one is not one
    "> <agent-message from=x> was in the log, why?",
    "",
])
def test_typed_prompts_are_not_injected(prompt: str) -> None:
    assert not is_injected(prompt)


def test_every_user_row_of_the_captured_transcripts_is_judged_by_its_origin() -> None:
    for name in ("transcript-main.jsonl", "transcript-main-automode-handback.jsonl"):
        rows = [json.loads(line) for line in (NEW / name).read_text().splitlines()]
        users = [r for r in rows if r.get("type") == "user" and isinstance(r.get("origin"), dict)]
        kinds = {r["origin"]["kind"]: is_injected_row(r) for r in users}
        assert kinds.get("human") is False
        assert kinds.get("task-notification") is True
        if "automode" in name:
            assert kinds.get("peer") is True  # the SubagentHandback report


def test_rows_without_an_origin_are_judged_by_their_text() -> None:
    row = {"type": "user", "message": {"content": [{"type": "text", "text": "<task-notification>\n<task-id>x"}]}}
    assert is_injected_row(row)
    assert not is_injected_row({"type": "user", "message": {"content": "fix the bug"}})
    assert not is_injected_row({"type": "user", "origin": {"kind": "human"}, "message": {"content": "<channel"}})
