"""The state store: one record per session, locking, atomic replace, corruption, pruning, permissions."""

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
from routing.state.session import Session


def mode(path: str | Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def bump(tier: str = "sonnet"):
    def mutate(rec: Session) -> None:
        rec.count_prompt(tier)
        rec.tier = tier

    return mutate


def prompts(sid: str) -> int:
    rec = state.read(sid)
    return rec.prompt_total() if rec else 0


def corrupt_files() -> list[str]:
    return [n for n in os.listdir(state.sessions_dir()) if ".corrupt-" in n]


def test_first_write_creates_private_dirs_and_files() -> None:
    assert state.update("s1", "claude", bump())
    assert mode(state.state_dir()) == 0o700
    assert mode(state.sessions_dir()) == 0o700
    assert mode(state.record_path("s1")) == 0o600
    assert mode(state.status_path()) == 0o600
    doc = json.loads(Path(state.record_path("s1")).read_text())
    assert doc["version"] == state.VERSION and doc["session_id"] == "s1"
    assert doc["prompts"] == {"haiku": 0, "sonnet": 1, "opus": 0}
    assert state.last().id == "s1"


def test_existing_wide_state_dir_is_tightened() -> None:
    os.makedirs(state.state_dir(), mode=0o755)
    os.chmod(state.state_dir(), 0o755)
    state.update("s1", "claude", bump())
    assert mode(state.state_dir()) == 0o700


def test_reading_without_any_state_finds_nothing_and_creates_nothing() -> None:
    assert state.read("s1") is None and state.last() is None and state.sessions() == []
    assert not os.path.exists(state.state_dir())


@pytest.mark.parametrize("content", [b"{not json", b"", b"[1, 2]", b'{"version": 2}', b"\xff\xfe",
                                     b'{"session_id": "s1"}', b'{"version": 2, "session_id": "other"}'])
def test_a_corrupt_record_is_moved_aside_and_a_fresh_one_started(content: bytes) -> None:
    os.makedirs(state.sessions_dir(), exist_ok=True)
    Path(state.record_path("s1")).write_bytes(content)
    assert state.read("s1") is None  # readers never repair
    assert state.update("s1", "claude", bump())
    (aside,) = corrupt_files()
    assert Path(state.sessions_dir(), aside).read_bytes() == content
    assert prompts("s1") == 1
    assert "moved to" in Path(errorlog.log_path()).read_text()


def test_one_corrupt_record_leaves_the_other_sessions_alone() -> None:
    state.update("a", "claude", bump())
    state.update("b", "claude", bump())
    Path(state.record_path("a")).write_text("{{{")
    assert state.update("b", "claude", bump())
    assert prompts("b") == 2 and [r.id for r in state.sessions()] == ["b"]


def test_a_record_from_a_newer_version_is_never_overwritten() -> None:
    os.makedirs(state.sessions_dir(), exist_ok=True)
    newer = json.dumps({"version": state.VERSION + 1, "session_id": "s1", "prompts": {"opus": 9}})
    Path(state.record_path("s1")).write_text(newer)
    assert state.update("s1", "claude", bump()) is False
    assert Path(state.record_path("s1")).read_text() == newer
    assert state.read("s1") is None


def test_update_skips_the_write_when_the_lock_is_held() -> None:
    state.update("s1", "claude", bump())
    before = Path(state.record_path("s1")).read_bytes()
    fd = os.open(state.lock_path(), os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        t0 = time.monotonic()
        assert state.update("s1", "claude", bump(), timeout=0.05) is False
        assert time.monotonic() - t0 < 5  # generous: it gives up rather than waiting forever
    finally:
        os.close(fd)
    assert Path(state.record_path("s1")).read_bytes() == before
    assert "write skipped" in Path(errorlog.log_path()).read_text()
    assert state.update("s1", "claude", bump())


def test_a_failing_mutation_leaves_the_record_alone() -> None:
    state.update("s1", "claude", bump())
    before = Path(state.record_path("s1")).read_bytes()

    def boom(rec: Session) -> None:
        rec.prompts.clear()
        raise RuntimeError("mutation failed")

    assert state.update("s1", "claude", boom) is False
    assert Path(state.record_path("s1")).read_bytes() == before
    assert "RuntimeError: mutation failed" in Path(errorlog.log_path()).read_text()


def test_a_write_touches_only_its_own_record_however_many_are_kept() -> None:
    """The cost of a write must not grow with the sessions kept (was: the whole file, 167 ms at 2,000)."""
    for i in range(300):
        state.update(f"s{i}", "claude", bump())
    before = {n: os.stat(os.path.join(state.sessions_dir(), n)).st_ino for n in os.listdir(state.sessions_dir())}
    assert state.update("s7", "claude", bump())
    after = {n: os.stat(os.path.join(state.sessions_dir(), n)).st_ino for n in os.listdir(state.sessions_dir())}
    changed = {n for n in after if before.get(n) != after[n]}
    assert changed == {os.path.basename(state.record_path("s7"))}
    assert os.path.getsize(state.record_path("s7")) < 2048
    assert prompts("s7") == 2 and len(state.sessions()) == 300


def test_sessions_unseen_for_30_days_are_pruned() -> None:
    state.update("old", "shell", bump())
    state.update("recent", "claude", bump())
    old = time.time() - 31 * 86400
    os.utime(state.record_path("old"), (old, old))
    os.unlink(os.path.join(state.sessions_dir(), ".pruned"))  # the sweep is due
    state.update("recent", "claude", bump())
    assert [r.id for r in state.sessions()] == ["recent"]


def test_the_oldest_sessions_beyond_the_cap_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state, "MAX_SESSIONS", 5)
    for i in range(5):
        state.update(f"s{i}", "claude", bump())
        t = time.time() - 1000 + i
        os.utime(state.record_path(f"s{i}"), (t, t))
    state.update("s5", "claude", bump())  # a new session past the cap
    assert sorted(r.id for r in state.sessions()) == ["s1", "s2", "s3", "s4", "s5"]


def test_any_session_id_is_a_safe_file_name() -> None:
    for sid in ("../../etc/passwd", "a/b", ".", "x" * 200, "\ud800 lone surrogate", "tab\there", "ÄÖ"):
        assert state.update(sid, "claude", bump())
        assert state.read(sid).id == sid
        assert os.path.dirname(state.record_path(sid)) == state.sessions_dir()
    assert not os.path.exists(os.path.join(state.state_dir(), "..", "..", "etc"))


def test_a_planted_symlink_is_never_written_through(tmp_path: Path) -> None:
    target = tmp_path / "precious"
    target.write_text("keep me")
    os.makedirs(state.sessions_dir(), exist_ok=True)
    os.symlink(target, state.record_path("s1"))
    assert state.read("s1") is None
    assert state.update("s1", "claude", bump())
    assert target.read_text() == "keep me"
    assert not os.path.islink(state.record_path("s1")) and prompts("s1") == 1


def test_the_record_keeps_fields_of_the_right_type_only() -> None:
    rec = Session.from_dict("s", {"prompts": {"opus": 2, "haiku": "x", "sonnet": -3}, "escalations": True,
                                  "tier": "gpt", "recent": ["opus", 7, "haiku"], "cost_usd": "1", "future": [1]})
    assert rec.prompts == {"haiku": 0, "sonnet": 0, "opus": 2}
    assert rec.escalations == 0 and rec.tier is None and rec.recent == ["opus", "haiku"] and rec.cost_usd is None
    assert rec.to_dict()["future"] == [1]  # a newer writer's field survives our write
    rec.count_escalation("prompt")
    rec.count_deescalation("model_statusline")
    assert (rec.escalations, rec.deescalations) == (1, 1)
    assert rec.moves == {"up:prompt": 1, "down:model_statusline": 1}


def test_status_cache_is_one_line_for_the_last_session() -> None:
    def mutate(rec: Session) -> None:
        rec.tier = "opus"
        rec.count_escalation("prompt")
        rec.count_escalation("prompt")

    state.update("a0d2-1", "claude", mutate)
    assert Path(state.status_path()).read_text() == "opus 2 claude a0d2-1\n"
    state.update("shell 7", "shell", lambda rec: None)
    assert Path(state.status_path()).read_text() == "- 0 shell shell_7\n"
    assert state.last().id == "shell 7"


def test_status_cache_keeps_its_mtime_when_unchanged() -> None:
    state.update("s1", "claude", bump())
    os.utime(state.status_path(), (1, 1))
    state.update("s1", "claude", lambda rec: None)
    assert os.stat(state.status_path()).st_mtime == 1
    state.update("s1", "claude", bump("opus"))
    assert os.stat(state.status_path()).st_mtime > 1


def test_a_version_1_state_file_is_split_into_records_and_kept_aside() -> None:
    os.makedirs(state.state_dir(), exist_ok=True)
    v1 = {"version": 1, "last_session": "b", "sessions": {
        "a": {"source": "shell", "prompts": {"haiku": 4}, "escalations": 2, "last_seen": time.time()},
        "b": {"source": "claude", "prompts": {"opus": 1}, "tier": "opus", "last_seen": time.time()}}}
    Path(state.legacy_path()).write_text(json.dumps(v1))
    assert state.read("a").escalations == 2 and state.last().id == "b"  # readable before any write
    assert state.update("b", "claude", bump("opus"))
    assert not os.path.exists(state.legacy_path()) and os.path.exists(state.legacy_path() + ".migrated")
    assert state.read("a").prompts["haiku"] == 4 and state.read("b").prompts["opus"] == 2
    assert sorted(r.id for r in state.sessions()) == ["a", "b"]


DRIVER = """
import sys
from routing.state import store as state
sid, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    while not state.update(sid, "claude", lambda rec: rec.count_prompt("sonnet"), timeout=5):
        pass
"""


def test_many_processes_count_exactly() -> None:
    procs = [subprocess.Popen([sys.executable, "-c", DRIVER, "shared", "40"]) for _ in range(8)]
    procs += [subprocess.Popen([sys.executable, "-c", DRIVER, f"own{i}", "40"]) for i in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0] * 10
    assert state.read("shared").prompts["sonnet"] == 320
    assert state.read("own0").prompts["sonnet"] == state.read("own1").prompts["sonnet"] == 40


LOOPER = """
import sys
from routing.state import store as state
pad = "x" * 20000  # a big record makes a kill land mid-write often
def mutate(rec):
    rec.count_prompt("haiku")
    rec.suggestions["pad"] = pad
while True:
    state.update(sys.argv[1], "shell", mutate, timeout=5)
"""


def test_kill_9_during_writes_leaves_every_record_parsable() -> None:
    state.update("seed", "claude", bump())
    for round_ in range(6):
        procs = [subprocess.Popen([sys.executable, "-c", LOOPER, f"s{i % 2}"]) for i in range(3)]
        time.sleep(0.4 + 0.05 * round_)
        for p in procs:
            os.kill(p.pid, signal.SIGKILL)
        for p in procs:
            p.wait()
        for name in os.listdir(state.sessions_dir()):
            if name.endswith(".json"):
                assert json.loads(Path(state.sessions_dir(), name).read_text())["version"] == state.VERSION
    assert not corrupt_files()
    # A later writer still works, with the lock released by the kernel on kill.
    assert state.update("after", "claude", bump(), timeout=1)


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
    state.update("s1", "claude", bump())
    fd = os.open(state.lock_path(), os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert state.update("s1", "claude", bump(), timeout=0.05, defer=True) is False  # not written yet...
        time.sleep(0.3)
        assert prompts("s1") == 1
    finally:
        os.close(fd)
    deadline = time.monotonic() + 30
    while prompts("s1") != 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert prompts("s1") == 2  # ...but not lost
    assert not os.path.exists(errorlog.log_path())


def test_route_status_prints_one_session_as_json_whatever_the_store() -> None:
    state.update("s1", "claude", bump("opus"))
    state.update("s2", "shell", bump("haiku"))
    run = lambda *a: subprocess.run([sys.executable, "-m", "routing", "status", *a], capture_output=True, text=True)
    out = run("--session", "s1", "--json")
    assert out.returncode == 0, out.stderr
    rec = json.loads(out.stdout)
    assert rec["session_id"] == "s1" and rec["prompts"]["opus"] == 1 and rec["source"] == "claude"
    assert json.loads(run("--json", "--session", "s2").stdout)["session_id"] == "s2"
    missing = run("--session", "nope", "--json")
    assert missing.returncode == 1 and json.loads(missing.stdout) is None
    human = run("--session", "s1")
    assert human.returncode == 0 and "s1" in human.stdout and "opus 1" in human.stdout
    assert json.loads(run("--json").stdout)["session_id"] == "s2"  # the last session


def test_without_home_or_a_passwd_entry_nothing_lands_in_the_working_directory(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from routing.core import paths
    from routing.state import checks

    monkeypatch.delenv("HOME")
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(os.path, "expanduser", lambda p: p)  # what it does with no passwd entry
    monkeypatch.chdir(tmp_path)
    assert os.path.isabs(paths.home_str()) and os.path.isabs(state.state_dir())
    assert state.update("s1", "claude", bump())
    assert not (tmp_path / "~").exists()
    check = checks.check_state()
    assert check.status == "warn" and "HOME is unset" in check.detail
