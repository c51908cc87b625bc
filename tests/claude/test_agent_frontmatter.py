"""The `model:` an agent file pins, read without `re` (the PreToolUse hook's own start-up)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from routing.claude.subagent_hook import pinned_model

# What the hook matched before it dropped `re`: the value's meaning is this pattern's.
PATTERN = re.compile(r"^model:\s*['\"]?([\w.\-\[\]]+)", re.M)
FRAGMENTS = ["model:", "\nmodel:", " ", "\t", "\n", "\r\n", "'", '"', "opus", "claude-sonnet-4-5", "[1m]", ".", "-",
             "_", "é", "name: x", "---", "inherit", "#", "model: ", "xmodel:"]


def regex_answer(text: str) -> str | None:
    m = PATTERN.search(text)
    return m.group(1) if m else None


@settings(max_examples=500)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=12).map("".join) | st.text())
def test_the_plain_reader_answers_as_the_pattern_did(text: str) -> None:
    assert pinned_model(text) == regex_answer(text)


def test_the_usual_forms() -> None:
    assert pinned_model("name: scout\nmodel: haiku\ntools: Read") == "haiku"
    assert pinned_model('description: x\nmodel: "claude-opus-4-1"\n') == "claude-opus-4-1"
    assert pinned_model("name: scout\n  model: opus\n") is None  # not at a line's start
    assert pinned_model("name: scout\ntools: Read\n") is None
