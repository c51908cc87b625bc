"""Recording wrapper calls: the escalation rule, and pruning markers of dead shells."""

from __future__ import annotations

import os
import time

from routing.shell import record as shell_record
from routing.state import store as state
from routing.state.session import Session


def test_escalation_needs_a_cheaper_call_of_the_same_tool_within_the_window():
    rec = Session("s", "shell")
    t0 = 1_000_000.0
    assert not shell_record.record(rec, "codex", "haiku", "m", t0, 900)
    assert shell_record.record(rec, "codex", "opus", "m", t0 + 60, 900)
    assert not shell_record.record(rec, "codex", "opus", "m", t0 + 61, 900)  # deep after deep
    assert not shell_record.record(rec, "claude", "haiku", "m", t0 + 62, 900)
    assert not shell_record.record(rec, "codex", "opus", "m", t0 + 63, 900)  # last call was claude
    assert not shell_record.record(rec, "codex", "sonnet", "m", t0 + 64, 900)
    assert not shell_record.record(rec, "codex", "opus", "m", t0 + 64 + 901, 900)  # window passed
    assert rec.escalations == 1 and rec.moves == {"up:shell": 1}  # counted like every other escalation
    assert rec.prompts == {"haiku": 2, "sonnet": 1, "opus": 4}
    assert rec.source == "shell"


def test_eight_shells_calling_at_once_are_all_counted() -> None:
    """A busy lock defers the write to a detached process instead of dropping it (was 783 of 800)."""
    import subprocess
    import sys

    code = ("import sys; from routing.shell import record as r\n"
            "for i in range(25): r.record_call(sys.argv[1], 'codex', 'haiku', 'm', 15)")
    procs = [subprocess.Popen([sys.executable, "-c", code, f"bash-{k}"]) for k in range(8)]
    # One more process holds the lock for a while, as a slow writer would.
    holder = subprocess.Popen([sys.executable, "-c",
                               "import fcntl, os, sys, time; from routing.state import store\n"
                               "os.makedirs(store.state_dir(), exist_ok=True)\n"
                               "fd = os.open(store.lock_path(), os.O_RDWR | os.O_CREAT, 0o600)\n"
                               "fcntl.flock(fd, fcntl.LOCK_EX); time.sleep(0.5)"])
    for p in procs + [holder]:
        assert p.wait(timeout=120) == 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        counts = [(state.read(f"bash-{k}") or Session("x")).prompts["haiku"] for k in range(8)]
        if sum(counts) == 200:
            break
        time.sleep(0.1)
    assert counts == [25] * 8


def test_prune_marks_removes_only_old_markers(tmp_path):
    old, new, other = tmp_path / "prompt-mark.bash-1-1", tmp_path / "prompt-mark.zsh-2-2", tmp_path / "status"
    for p in (old, new, other):
        p.write_text("")
    week_ago = time.time() - 8 * 86400
    os.utime(old, (week_ago, week_ago))
    os.utime(other, (week_ago, week_ago))
    shell_record.prune_marks(str(tmp_path), time.time())
    assert not old.exists() and new.exists() and other.exists()
