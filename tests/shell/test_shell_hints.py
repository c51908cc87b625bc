"""The pre-exec hint, typed into real interactive shells on a pty."""

from __future__ import annotations

import pytest
from support.shell_support import SHELLS, Sandbox, interactive

pytestmark = pytest.mark.shell

LOOKUP = 'codex "where is parse_config defined?"'
HINT = "route: looks like a lookup -> codex-quick"


@pytest.fixture
def box(isolated_home):
    return Sandbox(isolated_home)


def typed(box: Sandbox, shell: str, lines: list[str], *init_args: str) -> str:
    return interactive(shell, [box.source(shell, *init_args), *lines], box.env)


@pytest.mark.parametrize("shell", SHELLS)
def test_plain_codex_with_a_lookup_prompt_hints_at_codex_quick_and_still_runs_unchanged(box, shell):
    out = typed(box, shell, [LOOKUP])
    assert out.count(HINT) == 1, out
    assert [c["argv"] for c in box.calls()] == [["where is parse_config defined?"]]


@pytest.mark.parametrize("shell", SHELLS)
def test_plain_claude_with_a_lookup_prompt_hints_at_claude_quick(box, shell):
    out = typed(box, shell, ['claude -p "where is parse_config defined?"'])
    assert "route: looks like a lookup -> claude-quick" in out, out
    assert [c["argv"] for c in box.calls()] == [["-p", "where is parse_config defined?"]]


@pytest.mark.parametrize("shell", SHELLS)
def test_no_hint_when_turned_off_or_for_other_commands(box, shell):
    off = "set -gx ROUTE_SHELL_HINTS 0" if shell == "fish" else "export ROUTE_SHELL_HINTS=0"
    out = typed(box, shell, ["echo " + LOOKUP.replace('"', "'"), "codex-quick 'where is parse_config defined?'",
                             'codex -m gpt-5-nano "where is parse_config defined?"', off, LOOKUP])
    assert "route: looks like" not in out, out
    assert len(box.calls()) == 3


@pytest.mark.parametrize("shell", SHELLS)
def test_no_hint_when_config_turns_hints_off(box, shell):
    out = typed(box, shell, [LOOKUP], "--no-hints")
    assert "route: looks like" not in out, out
    assert len(box.calls()) == 1


@pytest.mark.parametrize("shell", SHELLS)
def test_the_hint_keeps_the_exit_status_of_the_command_before(box, shell):
    status = "$status" if shell == "fish" else "$?"
    out = typed(box, shell, ["false", f"echo rc={status}"])
    assert "rc=1" in out, out


def test_bash_hint_sees_only_the_first_command_the_user_typed(box):
    out = typed(box, "bash", ['PROMPT_COMMAND="$PROMPT_COMMAND;true"', 'echo first; ' + LOOKUP, LOOKUP])
    assert out.count(HINT) == 1, out


FIRST_PROMPT = '\neval "$PROMPT_COMMAND"\n'  # what bash runs, at top level, before the first prompt


def test_bash_joins_bash_preexec_instead_of_taking_the_debug_trap(box):
    fake_bp = "__bp_preexec_invoke_exec() { :; }\npreexec_functions=()\n"
    r = box.run("bash", fake_bp + box.source("bash") + "\n" + box.source("bash") + FIRST_PROMPT + FIRST_PROMPT +
                'printf "%s\\n" "${preexec_functions[@]}"; trap -p DEBUG', init=False)
    assert r.stdout.split() == ["__route_preexec"], r.stderr
    r = box.run("bash", fake_bp + box.source("bash") + FIRST_PROMPT +
                '"${preexec_functions[0]}" \'codex "where is parse_config defined?"\'', init=False)
    assert HINT in r.stderr


def test_bash_takes_a_free_debug_trap_once(box):
    r = box.run("bash", box.source("bash") + FIRST_PROMPT + box.source("bash") + FIRST_PROMPT + "trap -p DEBUG",
                init=False)
    assert r.stdout.strip() == "trap -- '__route_debug \"$_\"' DEBUG", r.stderr


@pytest.mark.parametrize("when", ["before", "after"])
def test_bash_leaves_someone_elses_debug_trap_alone_and_says_nothing(box, when):
    theirs = "trap 'echo mine >&2' DEBUG\n"
    ours = box.source("bash") + "\n"
    script = (theirs + ours if when == "before" else ours + theirs) + FIRST_PROMPT + "trap -p DEBUG"
    r = box.run("bash", script, init=False)
    assert "echo mine" in r.stdout and "__route" not in r.stdout
    assert set(r.stderr.split()) <= {"mine"}
