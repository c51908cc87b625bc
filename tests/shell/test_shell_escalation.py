"""Escalations from the shell: a deep call soon after a quick one, per shell session."""

from __future__ import annotations

import json
import subprocess

import pytest
from support import statefiles
from support.shell_support import SHELLS, Sandbox, route_argv

pytestmark = pytest.mark.shell

@pytest.fixture
def box(isolated_home):
    return Sandbox(isolated_home)


def sessions(box: Sandbox) -> dict:
    return statefiles.all_records(box.env)


@pytest.mark.parametrize("shell", SHELLS)
def test_deep_after_quick_in_one_shell_counts_one_escalation(box, shell):
    sid = "$ROUTE_SHELL_SESSION"
    r = box.run(shell, f"codex-quick a\ncodex-deep b\ncodex-deep c\necho {sid}")
    assert r.returncode == 0, r.stderr
    rec = sessions(box)[r.stdout.strip()]
    assert rec["source"] == "shell"
    assert rec["escalations"] == 1
    assert rec["prompts"] == {"haiku": 1, "sonnet": 0, "opus": 2}
    status = (box.status_dir() / "status").read_text()
    assert status == f"opus 1 shell {r.stdout.strip()}\n"


@pytest.mark.parametrize("shell", ["bash", "fish"])
def test_default_then_deep_counts_but_deep_alone_or_another_tool_does_not(box, shell):
    r = box.run(shell, "codex a\ncodex-deep b\nclaude-quick c\ncodex-deep d\ncodex-deep e")
    assert r.returncode == 0, r.stderr
    (rec,) = sessions(box).values()
    assert rec["escalations"] == 1


def test_deep_calls_in_another_shell_are_a_separate_session(box):
    box.run("bash", "codex-quick a")
    box.run("bash", "codex-deep b")
    recs = list(sessions(box).values())
    assert len(recs) == 2
    assert [r["escalations"] for r in recs] == [0, 0]


def test_deep_after_the_window_is_not_an_escalation(box):
    cfg = box.home / ".config" / "modelroute" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text("[shell]\nescalation_window_minutes = 0\n")
    box.run("bash", "codex-quick a\nsleep 0.05\ncodex-deep b")
    (rec,) = sessions(box).values()
    assert rec["escalations"] == 0


@pytest.mark.parametrize("shell", SHELLS)
def test_shell_session_prints_one_stable_id_per_shell(box, shell):
    route = " ".join(f"'{w}'" for w in route_argv())
    r = box.run(shell, f"{route} shell-session\n{route} shell-session\necho $ROUTE_SHELL_SESSION")
    a, b, c = r.stdout.split()
    assert a == b == c and a.startswith(shell + "-")
    r2 = box.run(shell, f"{route} shell-session")
    assert r2.stdout.strip() != a


def test_shell_session_outside_an_initialised_shell_says_how_to_set_it_up(box):
    r = subprocess.run([*route_argv(), "shell-session"], env=box.env, capture_output=True, text=True)
    assert r.returncode == 1
    assert "route init" in r.stderr


def test_a_nested_shell_gets_its_own_session(box):
    r = box.run("bash", f"echo $ROUTE_SHELL_SESSION; bash --noprofile --norc -c \"source '{box.init_file('bash')}'; "
                        "echo \\$ROUTE_SHELL_SESSION\"; true")
    outer, inner = r.stdout.split()
    assert outer != inner


def test_a_locked_state_file_never_stops_the_agent_and_the_call_is_still_counted(box):
    """Another writer holds the lock: the call is made at once, and recorded once the lock is free."""
    import fcntl
    import os
    import time

    d = box.status_dir()
    d.mkdir(parents=True)
    fd = os.open(d / "state.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        t0 = time.monotonic()
        r = box.run("bash", "codex-deep x; echo rc=$?")
        took = time.monotonic() - t0
        assert sessions(box) == {}  # not yet: the lock is held
    finally:
        os.close(fd)
    assert r.stdout.strip() == "rc=0", r.stderr
    assert len(box.calls()) == 1
    assert took < 5  # the shell did not wait out the deferred writer's 10 s
    deadline = time.monotonic() + 20
    while not sessions(box) and time.monotonic() < deadline:
        time.sleep(0.05)
    (rec,) = sessions(box).values()
    assert rec["prompts"]["opus"] == 1
