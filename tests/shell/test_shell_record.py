"""Recording wrapper calls: the escalation rule, and pruning markers of dead shells."""

from __future__ import annotations

import os
import time

from routing.shell import record as shell_record
from routing.state import store as state


def test_escalation_needs_a_cheaper_call_of_the_same_tool_within_the_window():
    doc = state.empty()
    t0 = 1_000_000.0
    assert not shell_record.record(doc, "s", "codex", "haiku", "m", t0, 900)
    assert shell_record.record(doc, "s", "codex", "opus", "m", t0 + 60, 900)
    assert not shell_record.record(doc, "s", "codex", "opus", "m", t0 + 61, 900)  # deep after deep
    assert not shell_record.record(doc, "s", "claude", "haiku", "m", t0 + 62, 900)
    assert not shell_record.record(doc, "s", "codex", "opus", "m", t0 + 63, 900)  # last call was claude
    assert not shell_record.record(doc, "s", "codex", "sonnet", "m", t0 + 64, 900)
    assert not shell_record.record(doc, "s", "codex", "opus", "m", t0 + 64 + 901, 900)  # window passed
    rec = doc["sessions"]["s"]
    assert rec["escalations"] == 1
    assert rec["prompts"] == {"haiku": 2, "sonnet": 1, "opus": 4}
    assert rec["source"] == "shell" and doc["last_session"] == "s"


def test_prune_marks_removes_only_old_markers(tmp_path):
    old, new, other = tmp_path / "prompt-mark.bash-1-1", tmp_path / "prompt-mark.zsh-2-2", tmp_path / "status"
    for p in (old, new, other):
        p.write_text("")
    week_ago = time.time() - 8 * 86400
    os.utime(old, (week_ago, week_ago))
    os.utime(other, (week_ago, week_ago))
    shell_record.prune_marks(str(tmp_path), time.time())
    assert not old.exists() and new.exists() and other.exists()
