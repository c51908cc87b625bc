"""The prompt segment: ROUTE_PROMPT / __route_prompt from the status cache, builtins only."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from support.shell_support import SHELLS, Sandbox, interactive

pytestmark = pytest.mark.shell

@pytest.fixture
def box(isolated_home):
    return Sandbox(isolated_home)


def write_status(box: Sandbox, line: str) -> None:
    d = box.status_dir()
    d.mkdir(parents=True, exist_ok=True)
    (d / "status").write_text(line)


def segment(box: Sandbox, shell: str) -> subprocess.CompletedProcess:
    return box.run(shell, "__route_prompt")


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("line,shown", [
    ("opus 2 claude a0d21917-1\n", "opus↑2"),
    ("sonnet 0 shell bash-1-2\n", "sonnet"),
    ("haiku 0 claude x", "haiku"),  # no trailing newline: still read
    ("- 0 claude x\n", ""),
    ("- 3 shell x\n", "↑3"),
    ("$(touch pwned) `touch pwned` x y\n", ""),
    ("opus lots claude x\n", "opus"),
    ("", ""),
])
def test_segment_shows_tier_and_escalations_from_the_status_file(box, shell, line, shown):
    write_status(box, line)
    r = segment(box, shell)
    assert r.returncode == 0, r.stderr
    assert r.stdout == shown
    assert r.stderr == ""
    assert not (box.home / "pwned").exists()


@pytest.mark.parametrize("shell", SHELLS)
def test_segment_is_empty_without_a_status_file(box, shell):
    r = segment(box, shell)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


@pytest.mark.parametrize("shell", SHELLS)
def test_segment_rereads_only_when_the_status_file_changes(box, shell):
    """A rewrite that keeps an old mtime is not seen; touching the file is."""
    write_status(box, "haiku 0 shell x\n")
    status = box.status_dir() / "status"
    old = "touch -d '2001-01-01' " + str(status)
    new = "touch " + str(status)
    first = second = third = ("__route_on_prompt; echo $ROUTE_PROMPT" if shell == "fish" else
                              '__route_precmd; echo "$ROUTE_PROMPT"')
    write = f"printf 'opus 5 shell x\\n' > {status}"
    r = box.run(shell, "\n".join([first, write, old, second, new, third]))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["haiku", "haiku", "opus↑5"]


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_segment_in_a_command_substitution_always_shows_the_current_file(box, shell):
    status = box.status_dir() / "status"
    write_status(box, "haiku 0 shell x\n")
    r = box.run(shell, f'echo "$(__route_prompt)"; echo "$(__route_prompt)"; printf "opus 1 x y\\n" > {status}; '
                       f'echo "$(__route_prompt)"; __route_precmd; echo "$ROUTE_PROMPT"')
    assert r.stdout.split() == ["haiku", "haiku", "opus↑1", "opus↑1"], r.stderr


@pytest.mark.parametrize("shell", SHELLS)
def test_segment_and_precmd_keep_the_exit_status(box, shell):
    write_status(box, "opus 1 claude x\n")
    if shell == "fish":
        body = "false; __route_prompt >/dev/null; echo $status; false; __route_on_prompt; echo $status"
    else:
        body = "false; __route_prompt >/dev/null; echo $?; (exit 3); __route_precmd; echo $?"
    r = box.run(shell, body)
    assert r.stdout.split() == ["1", "3" if shell != "fish" else "1"], r.stderr


@pytest.mark.parametrize("shell", SHELLS)
def test_interactive_prompt_shows_the_segment_and_follows_changes(box, shell):
    write_status(box, "sonnet 0 claude x\n")
    status = box.status_dir() / "status"
    if shell == "bash":
        ps = "PS1='[${ROUTE_PROMPT}]@@''P> '"
    elif shell == "zsh":
        ps = "setopt prompt_subst; PROMPT='[${ROUTE_PROMPT}]@@''P> '"
    else:
        ps = "function fish_prompt; printf '[%s]@@%s> ' (__route_prompt) P; end"
    out = interactive(shell, [box.source(shell), ps, "false", f"printf 'opus 2 claude x\\n' > {status}",
                              "echo status=$?" if shell != "fish" else "echo status=$status"], box.env)
    assert "[sonnet]@@P> " in out
    assert "[opus↑2]@@P> " in out


@pytest.mark.skipif(not shutil.which("strace"), reason="strace not installed")
@pytest.mark.parametrize("shell", SHELLS)
def test_rendering_the_segment_forks_nothing(box, shell):
    """strace counts process creations while the prompt hook runs 50 times."""
    write_status(box, "opus 2 claude x\n")
    loop = ("for i in (seq 50); __route_on_prompt; end" if shell == "fish" else
            "for i in $(seq 50); do __route_precmd; done")
    # Baseline: the same script without the hook, to subtract the shell's own start-up forks.
    base = loop.replace("__route_on_prompt", "true").replace("__route_precmd", "true")
    counts = []
    for body in (base, loop):
        log = box.home / "strace.log"
        from support.shell_support import shell_argv
        argv = ["strace", "-f", "-qq", "-e", "trace=fork,vfork,clone,clone3", "-o", str(log),
                *shell_argv(shell, box.source(shell) + "\n" + body)]
        r = subprocess.run(argv, env=box.env, capture_output=True, text=True, cwd=box.home)
        if r.returncode != 0 and "ptrace" in r.stderr:
            pytest.skip("ptrace not permitted here")
        assert r.returncode == 0, r.stderr
        counts.append(sum(1 for ln in log.read_text().splitlines() if "clone" in ln or "fork" in ln))
    assert counts[1] == counts[0], counts


@pytest.mark.parametrize("shell", SHELLS)
def test_an_unwritable_marker_or_vanished_status_prints_nothing(box, shell):
    write_status(box, "opus 1 claude x\n")
    setmark = "set -g __route_mark /nonexistent/mark" if shell == "fish" else "__route_mark=/nonexistent/mark"
    show = "__route_prompt; __route_prompt" if shell == "fish" else "__route_precmd; __route_prompt; __route_prompt"
    r = box.run(shell, f"{setmark}\n{show}")
    assert (r.stdout, r.stderr) == ("opus↑1opus↑1", "")
    r = box.run(shell, f"chmod 000 {box.status_dir() / 'status'}\n{setmark}\n__route_prompt")
    assert r.stderr == ""


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("runtime", [True, False])
def test_the_per_shell_marker_lives_in_the_runtime_dir_when_there_is_one(box, shell, runtime):
    write_status(box, "opus 1 claude x\n")
    run_dir = box.home / "run"
    run_dir.mkdir()
    env = {"XDG_RUNTIME_DIR": str(run_dir)} if runtime else {"XDG_RUNTIME_DIR": ""}
    hook = "__route_on_prompt" if shell == "fish" else "__route_precmd"
    r = box.run(shell, f"{hook}\necho $ROUTE_SHELL_SESSION", env=env)
    sid = r.stdout.strip()
    in_run = run_dir / f"modelroute-prompt-mark.{sid}"
    in_state = box.status_dir() / f"prompt-mark.{sid}"
    assert (in_run.exists(), in_state.exists()) == ((True, False) if runtime else (False, True)), r.stderr
