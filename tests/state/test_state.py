"""The shared state file: locking, atomic replace, corruption, pruning, permissions."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from routing.core import errorlog
from routing.state import store as state


def mode(path: str | Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def bump(sid: str, tier: str = "sonnet", source: str = "claude"):
    def mutate(doc: dict) -> None:
        rec = state.session(doc, sid, source)
        rec["prompts"][tier] += 1
        rec["tier"] = tier

    return mutate


def test_first_write_creates_private_dir_and_files() -> None:
    assert state.update(bump("s1"))
    d = state.state_dir()
    assert mode(d) == 0o700
    assert mode(state.state_path()) == 0o600
    assert mode(state.status_path()) == 0o600
    doc = json.loads(Path(state.state_path()).read_text())
    assert doc["version"] == state.VERSION
    assert doc["last_session"] == "s1"
    assert doc["sessions"]["s1"]["prompts"] == {"haiku": 0, "sonnet": 1, "opus": 0}


def test_existing_wide_state_dir_is_tightened() -> None:
    os.makedirs(state.state_dir(), mode=0o755)
    os.chmod(state.state_dir(), 0o755)
    state.update(bump("s1"))
    assert mode(state.state_dir()) == 0o700


def test_load_without_a_file_is_an_empty_document() -> None:
    doc = state.load()
    assert doc == {"version": state.VERSION, "sessions": {}, "last_session": None}
    assert not os.path.exists(state.state_path())


@pytest.mark.parametrize("content", [b"{not json", b"", b"[1, 2]", b'{"version": 1}', b"\xff\xfe", b'{"sessions": {}}'])
def test_corrupt_file_is_moved_aside_and_a_fresh_one_started(content: bytes) -> None:
    os.makedirs(state.state_dir(), exist_ok=True)
    Path(state.state_path()).write_bytes(content)
    assert state.update(bump("s1"))
    aside = [p for p in os.listdir(state.state_dir()) if p.startswith("state.json.corrupt-")]
    assert len(aside) == 1
    assert Path(state.state_dir(), aside[0]).read_bytes() == content
    assert state.load()["sessions"]["s1"]["prompts"]["sonnet"] == 1
    assert "moved to" in Path(errorlog.log_path()).read_text()


def test_load_moves_a_corrupt_file_aside_and_returns_empty() -> None:
    os.makedirs(state.state_dir(), exist_ok=True)
    Path(state.state_path()).write_text("{{{")
    assert state.load()["sessions"] == {}
    assert not os.path.exists(state.state_path())
    assert any(p.startswith("state.json.corrupt-") for p in os.listdir(state.state_dir()))


def test_a_newer_version_is_never_overwritten() -> None:
    os.makedirs(state.state_dir(), exist_ok=True)
    newer = json.dumps({"version": state.VERSION + 1, "sessions": {"x": {}}})
    Path(state.state_path()).write_text(newer)
    assert state.update(bump("s1")) is False
    assert Path(state.state_path()).read_text() == newer
    assert state.load()["sessions"] == {}


def test_update_skips_the_write_when_the_lock_is_held() -> None:
    state.update(bump("s1"))
    before = Path(state.state_path()).read_bytes()
    fd = os.open(os.path.join(state.state_dir(), "state.json.lock"), os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        t0 = time.monotonic()
        assert state.update(bump("s1"), timeout=0.05) is False
        assert time.monotonic() - t0 < 5  # generous: it gives up rather than waiting forever
    finally:
        os.close(fd)
    assert Path(state.state_path()).read_bytes() == before
    assert "write skipped" in Path(errorlog.log_path()).read_text()
    assert state.update(bump("s1"))


def test_a_failing_mutation_leaves_the_file_alone() -> None:
    state.update(bump("s1"))
    before = Path(state.state_path()).read_bytes()

    def boom(doc: dict) -> None:
        doc["sessions"].clear()
        raise RuntimeError("mutation failed")

    assert state.update(boom) is False
    assert Path(state.state_path()).read_bytes() == before
    assert "RuntimeError: mutation failed" in Path(errorlog.log_path()).read_text()


def test_sessions_older_than_30_days_are_pruned_on_write() -> None:
    old = time.time() - 31 * 86400

    def seed(doc: dict) -> None:
        state.session(doc, "old", "shell")
        doc["sessions"]["old"]["last_seen"] = old
        state.session(doc, "recent", "claude")

    state.update(seed)
    assert set(state.load()["sessions"]) == {"recent"}


def test_session_fills_fields_missing_from_an_older_record() -> None:
    doc = {"version": 1, "sessions": {"s": {"source": "claude", "prompts": {"opus": 2}}}}
    rec = state.session(doc, "s", "claude")
    assert rec["prompts"] == {"opus": 2, "haiku": 0, "sonnet": 0}
    assert rec["escalations"] == 0 and rec["last_call"] is None


def test_status_cache_is_one_line_for_the_last_session() -> None:
    def mutate(doc: dict) -> None:
        rec = state.session(doc, "a0d2-1", "claude")
        rec["tier"] = "opus"
        rec["escalations"] = 2

    state.update(mutate)
    assert Path(state.status_path()).read_text() == "opus 2 claude a0d2-1\n"
    state.update(lambda doc: state.session(doc, "shell 7", "shell"))
    assert Path(state.status_path()).read_text() == "- 0 shell shell_7\n"


def test_status_cache_keeps_its_mtime_when_unchanged() -> None:
    state.update(bump("s1"))
    os.utime(state.status_path(), (1, 1))
    state.update(lambda doc: None)
    assert os.stat(state.status_path()).st_mtime == 1
    state.update(bump("s1", tier="opus"))
    assert os.stat(state.status_path()).st_mtime > 1


DRIVER = """
import sys
from routing.state import store as state
sid, n = sys.argv[1], int(sys.argv[2])
ok = 0
for i in range(n):
    def mutate(doc):
        rec = state.session(doc, sid, "claude")
        rec["prompts"]["sonnet"] += 1
    while not state.update(mutate, timeout=5):
        pass
"""


def test_many_processes_count_exactly() -> None:
    procs = [subprocess.Popen([sys.executable, "-c", DRIVER, "shared", "40"]) for _ in range(8)]
    assert [p.wait(timeout=120) for p in procs] == [0] * 8
    doc = json.loads(Path(state.state_path()).read_text())
    assert doc["sessions"]["shared"]["prompts"]["sonnet"] == 320


LOOPER = """
import sys
from routing.state import store as state
pad = "x" * 20000  # a big document makes a kill land mid-write often
while True:
    def mutate(doc):
        rec = state.session(doc, sys.argv[1], "shell")
        rec["prompts"]["haiku"] += 1
        rec["suggestions"]["pad"] = pad
    state.update(mutate, timeout=5)
"""


def test_kill_9_during_writes_leaves_a_parsable_file() -> None:
    state.update(bump("seed"))
    for round_ in range(6):
        procs = [subprocess.Popen([sys.executable, "-c", LOOPER, f"s{i}"]) for i in range(3)]
        time.sleep(0.4 + 0.05 * round_)
        for p in procs:
            os.kill(p.pid, signal.SIGKILL)
        for p in procs:
            p.wait()
        doc = json.loads(Path(state.state_path()).read_text())  # must parse
        assert doc["version"] == state.VERSION
    assert not any(p.startswith("state.json.corrupt-") for p in os.listdir(state.state_dir()))
    # A later writer still works, with the lock released by the kernel on kill.
    assert state.update(bump("after"), timeout=1)


def test_errors_log_is_private_and_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(errorlog, "MAX_BYTES", 2000)
    for i in range(200):
        errorlog.log("test", f"line {i}")
    path = errorlog.log_path()
    assert mode(path) == 0o600
    assert os.path.getsize(path) <= 2000
    assert os.path.getsize(path + ".1") <= 2000
    assert "line 199" in Path(path).read_text()


def test_errors_log_describes_exceptions_on_one_line() -> None:
    try:
        raise ValueError("bad\nthing")
    except ValueError as e:
        errorlog.log("hook", e)
    text = Path(errorlog.log_path()).read_text()
    assert text.count("\n") == 1
    assert "hook: ValueError: bad thing (test_state.py:" in text


def test_a_deferred_write_lands_once_the_lock_is_free() -> None:
    state.update(bump("s1"))
    fd = os.open(os.path.join(state.state_dir(), "state.json.lock"), os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert state.update(bump("s1"), timeout=0.05, defer=True) is False  # not written yet...
        time.sleep(0.3)
        assert state.load()["sessions"]["s1"]["prompts"]["sonnet"] == 1
    finally:
        os.close(fd)
    deadline = time.monotonic() + 30
    while state.load()["sessions"]["s1"]["prompts"]["sonnet"] != 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert state.load()["sessions"]["s1"]["prompts"]["sonnet"] == 2  # ...but not lost
    assert not os.path.exists(errorlog.log_path())
