"""The wrappers from `route init`, run in real bash, zsh and fish against stub agents."""

from __future__ import annotations

import pytest
from support.shell_support import SHELLS, Sandbox

pytestmark = pytest.mark.shell

AWKWARD = [
    'say "hi" and \'bye\'',
    "costs $HOME and $(whoami) and ${PATH}",
    "backticks `uname -a` here",
    "two\nlines\n",
    "-leading dash",
    "--",
    "",
    "glob * ? [a-z] ~ !bang !! ^x",
    "trailing backslash \\",
    "tab\there; semicolon; | pipe & amp > redirect",
    "unicode: naïve café 漢字 ↑",
]


def call_all(shell: str, fn: str) -> str:
    """`fn "$AW0" "$AW1" ...`: the awkward values reach the shell through the environment."""
    return fn + " " + " ".join(f'"$AW{i}"' for i in range(len(AWKWARD)))


def aw_env() -> dict:
    return {f"AW{i}": v for i, v in enumerate(AWKWARD)}


@pytest.fixture
def box(isolated_home):
    return Sandbox(isolated_home)


@pytest.mark.parametrize("shell", SHELLS)
def test_codex_wrappers_pass_each_tier_model_and_plain_codex_keeps_the_users_own(box, shell):
    r = box.run(shell, "codex-quick q1\ncodex q2\ncodex-deep q3\n")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    argvs = [c["argv"] for c in box.calls()]
    assert argvs == [
        ["-c", 'model="gpt-5-nano"', "q1"],
        ["q2"],  # no -c model: the user's config.toml decides, as without modelroute
        ["-c", 'model="gpt-5.2"', "-c", 'model_reasoning_effort="high"', "q3"],
    ]


@pytest.mark.parametrize("shell", SHELLS)
def test_models_and_effort_come_from_config(box, shell):
    cfg = box.home / ".config" / "modelroute" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('[models.codex]\nhaiku = "tiny-1"\nopus = "it\'s \\"big\\""\n[codex]\ndeep_effort = "xhigh"\n'
                   '[models.claude]\nhaiku = "claude-haiku-4-5"\n')
    r = box.run(shell, "codex-quick a\ncodex-deep b\nclaude-quick c\n")
    assert r.returncode == 0, r.stderr
    argvs = [c["argv"] for c in box.calls()]
    assert argvs[0] == ["-c", 'model="tiny-1"', "a"]
    assert argvs[1] == ["-c", 'model="it\'s \\"big\\""', "-c", 'model_reasoning_effort="xhigh"', "b"]
    assert argvs[2] == ["--model", "claude-haiku-4-5", "c"]


@pytest.mark.parametrize("shell", SHELLS)
def test_claude_and_cursor_wrappers_pass_their_model_flags(box, shell):
    r = box.run(shell, "claude-quick -p a\nclaude-deep b\ncursor-quick c\ncursor-deep d\n")
    assert r.returncode == 0, r.stderr
    got = [(c["bin"], c["argv"]) for c in box.calls()]
    assert got == [
        ("claude", ["--model", "haiku", "-p", "a"]),
        ("claude", ["--model", "opus", "b"]),
        ("cursor-agent", ["-m", "claude-haiku-4", "c"]),
        ("cursor-agent", ["-m", "claude-opus-4", "d"]),
    ]


@pytest.mark.parametrize("shell", SHELLS)
def test_cursor_wrappers_exist_only_when_cursor_agent_is_installed(isolated_home, shell):
    box = Sandbox(isolated_home, agents=("codex", "claude"))
    check = "functions -q cursor-quick; and echo yes; or echo no" if shell == "fish" else \
        "if typeset -f cursor-quick >/dev/null; then echo yes; else echo no; fi"
    r = box.run(shell, check)
    assert r.stdout.strip() == "no", r.stderr


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("fn", ["codex-quick", "codex", "codex-deep", "claude-deep"])
def test_awkward_prompts_reach_the_agent_unchanged(box, shell, fn):
    r = box.run(shell, call_all(shell, fn), env=aw_env())
    assert r.returncode == 0, r.stderr
    (call,) = box.calls()
    assert call["argv"][-len(AWKWARD):] == AWKWARD


@pytest.mark.parametrize("shell", SHELLS)
def test_codex_route_passes_awkward_prompts_unchanged(box, shell):
    r = box.run(shell, call_all(shell, "codex-route"), env=aw_env())
    assert r.returncode == 0, r.stderr
    (call,) = box.calls()
    assert call["argv"][-len(AWKWARD):] == AWKWARD
    assert call["argv"][0] == "-c"


@pytest.mark.parametrize("shell", SHELLS)
def test_a_users_own_model_flag_comes_last_so_it_wins(box, shell):
    r = box.run(shell, "codex-deep -m my-model exec hi\nclaude-quick --model opus hi\n")
    assert r.returncode == 0, r.stderr
    codex, claude = (c["argv"] for c in box.calls())
    assert codex[-4:] == ["-m", "my-model", "exec", "hi"] and codex[:2] == ["-c", 'model="gpt-5.2"']
    assert claude == ["--model", "haiku", "--model", "opus", "hi"]


@pytest.mark.parametrize("shell", SHELLS)
def test_the_agents_exit_status_is_the_wrappers(box, shell):
    status = "$status" if shell == "fish" else "$?"
    r = box.run(shell, f"codex-quick x; echo rc={status}\nclaude-deep y; echo rc={status}\n", env={"STUB_EXIT": "7"})
    assert r.stdout.split() == ["rc=7", "rc=7"], r.stderr


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("agent,fn,install", [
    ("codex", "codex-quick", "npm install -g @openai/codex"),
    ("claude", "claude-deep", "npm install -g @anthropic-ai/claude-code"),
])
def test_a_missing_agent_gives_one_line_with_the_install_command_and_127(isolated_home, shell, agent, fn, install):
    box = Sandbox(isolated_home, agents=())
    status = "$status" if shell == "fish" else "$?"
    r = box.run(shell, f"{fn} hello; echo rc={status}")
    assert r.stdout.strip() == "rc=127"
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert agent in lines[0] and install in lines[0]


@pytest.mark.parametrize("shell", SHELLS)
def test_a_function_named_codex_runs_the_binary_not_itself(box, shell):
    r = box.run(shell, "codex --version", timeout=20)
    assert r.returncode == 0, r.stderr
    assert [c["argv"] for c in box.calls()] == [["--version"]]


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_init_and_wrappers_work_under_set_eu_with_empty_stderr(box, shell):
    r = box.run(shell, box.source(shell) + "\ncodex-quick a\ncodex-route 'where is x defined?'\n"
                "__route_precmd\nprintf '%s' \"$ROUTE_PROMPT\"\n", strict=True)
    assert r.returncode == 0, r.stderr
    assert len(box.calls()) == 2
    # codex-route says why on stderr; nothing else may appear there.
    assert [ln for ln in r.stderr.splitlines() if not ln.startswith("route: codex")] == []


@pytest.mark.parametrize("shell", SHELLS)
def test_init_twice_adds_no_second_hook(box, shell):
    if shell == "bash":
        probe = 'printf "%s\\n" "$PROMPT_COMMAND"; trap -p DEBUG'
    elif shell == "zsh":
        probe = 'print -l -- $precmd_functions $preexec_functions'
    else:
        probe = 'functions --handlers-type generic | string match -e __route; functions --handlers | string match -e __route'
    once = box.run(shell, probe)
    twice = box.run(shell, box.source(shell) + "\n" + probe)
    assert once.returncode == 0 and twice.returncode == 0, once.stderr + twice.stderr
    assert once.stdout == twice.stdout
    assert once.stdout.count("__route_precmd") <= 1
    r = box.run(shell, box.source(shell) + "\ncodex-quick x")
    assert len(box.calls()) == 1, r.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_user_aliases_do_not_hijack_the_integration(box, shell):
    aliases = ("alias command='echo HIJACKED'; alias builtin='echo HIJACKED'; alias printf='echo HIJACKED'; "
               "alias read='echo HIJACKED'; alias local='echo HIJACKED'; alias codex='echo HIJACKED';"
               "alias return='echo HIJACKED'; alias type='echo HIJACKED'; alias shift='echo HIJACKED'")
    pre = "shopt -s expand_aliases\n" if shell == "bash" else ""
    # The aliases must exist before the init text is parsed, as they would in an rc file.
    r = box.run(shell, pre + aliases + "\n" + box.source(shell) + "\ncodex-quick x\n\\codex-deep y\n__route_precmd\n",
                init=False)
    assert "HIJACKED" not in r.stdout + r.stderr
    assert [c["argv"][-1] for c in box.calls()] == ["x", "y"]


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_cr_is_codex_route_unless_taken(box, shell):
    pre = "shopt -s expand_aliases\n" if shell == "bash" else ""
    # eval: aliases apply to text parsed after they are defined, as on an interactive line.
    r = box.run(shell, pre + box.source(shell) + "\neval \"cr 'where is main defined?'\"\n", init=False)
    assert r.returncode == 0, r.stderr
    assert len(box.calls()) == 1
    r = box.run(shell, pre + "cr() { echo mine; }\n" + box.source(shell) + "\neval 'cr x'\n", init=False)
    assert r.stdout.strip() == "mine"


def test_cr_in_fish_is_codex_route(box):
    r = box.run("fish", "cr 'where is main defined?'")
    assert r.returncode == 0, r.stderr
    assert len(box.calls()) == 1


@pytest.mark.parametrize("shell", SHELLS)
def test_codex_route_says_which_wrapper_and_why_on_one_stderr_line(box, shell):
    r = box.run(shell, "codex-route 'where is parse_config defined?'")
    assert r.returncode == 0
    (line,) = r.stderr.splitlines()
    assert line.startswith("route: codex-quick (gpt-5-nano): ")
    assert box.calls()[0]["argv"][:2] == ["-c", 'model="gpt-5-nano"']


@pytest.mark.parametrize("shell", SHELLS)
def test_claude_route_routes_a_design_question_to_the_deep_model(box, shell):
    r = box.run(shell, "claude-route -p 'design the caching strategy for our API layer across all services'")
    assert r.returncode == 0, r.stderr
    assert box.calls()[0]["argv"][:2] == ["--model", "opus"]
    assert "claude-deep" in r.stderr


def test_zsh_integration_survives_unusual_user_options(box):
    opts = "setopt ksh_arrays sh_word_split no_unset err_exit rc_quotes no_glob null_glob\n"
    body = opts + box.source("zsh") + "\ncodex-quick 'a  b' c\n__route_precmd\ncodex-route 'where is x defined?'\n"
    r = box.run("zsh", body, init=False)
    assert r.returncode == 0, r.stderr
    assert [c["argv"][2:] for c in box.calls()] == [["a  b", "c"], ["where is x defined?"]]


@pytest.mark.parametrize("shell", SHELLS)
def test_a_chosen_codex_profile_gets_no_model_override(box, shell):
    """-c model=... beats a profile's model in Codex 0.169, so a profile means hands off."""
    r = box.run(shell, "codex --profile deep a\ncodex-quick -p quick b\ncodex-deep exec --profile=x c\n"
                       "codex-quick -- -p\n")
    assert r.returncode == 0, r.stderr
    assert [c["argv"] for c in box.calls()] == [
        ["--profile", "deep", "a"], ["-p", "quick", "b"], ["exec", "--profile=x", "c"],
        ["-c", 'model="gpt-5-nano"', "--", "-p"],
    ]
