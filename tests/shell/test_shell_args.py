"""Finding the prompt in agent arguments, and the hint's wording (pure functions)."""

from __future__ import annotations

import pytest

from routing.shell import cmdline as shell_args


@pytest.mark.parametrize("tool,args,prompt", [
    ("codex", ["exec", "--skip-git-repo-check", "--ephemeral", "find the auth file"], "find the auth file"),
    ("codex", ["-m", "gpt-5", "-c", "model_reasoning_effort=high", "fix it"], "fix it"),
    ("codex", ["--model=gpt-5", "fix", "it"], "fix it"),
    ("codex", ["exec", "-"], ""),
    ("codex", [], ""),
    ("codex", ["--", "-leading dash"], "-leading dash"),
    ("claude", ["-p", "--model", "opus", "why is this slow?"], "why is this slow?"),
    ("claude", ["--output-format", "json", "-p", "x"], "x"),
    ("cursor", ["-m", "gpt-5", "-p", "hello"], "hello"),
])
def test_prompt_of_skips_options_and_their_values(tool, args, prompt):
    assert shell_args.prompt_of(tool, args) == prompt


@pytest.mark.parametrize("tool,args,picked", [
    ("codex", ["-m", "x", "hi"], True),
    ("codex", ["--model=x", "hi"], True),
    ("codex", ["-c", "model=x", "hi"], True),
    ("codex", ["-c", "model_reasoning_effort=high", "hi"], False),
    ("codex", ["--profile", "deep", "hi"], True),
    ("codex", ["exec", "--profile=deep", "hi"], True),
    ("claude", ["--model", "opus", "hi"], True),
    ("claude", ["-p", "hi"], False),
    ("cursor", ["-m", "x"], True),
])
def test_picks_model_sees_a_users_model_choice(tool, args, picked):
    assert shell_args.picks_model(tool, args) is picked


def test_split_line_refuses_pipelines_and_unbalanced_quotes():
    assert shell_args.split_line('codex "a b" c') == ["codex", "a b", "c"]
    assert shell_args.split_line("codex 'a | b'") == ["codex", "a | b"]
    assert shell_args.split_line('codex "x" | tee log') is None
    assert shell_args.split_line('codex "unterminated') is None


def test_hint_names_the_wrapper_for_the_tier():
    assert shell_args.hint_text("codex", "haiku", "lookup") == "route: looks like a lookup -> codex-quick"
    assert shell_args.hint_text("codex", "opus", "design") == "route: looks like design work -> codex-deep"
    assert shell_args.hint_text("claude", "haiku", "explain") == "route: looks like an explanation -> claude-quick"
    assert shell_args.wrapper_name("codex", "sonnet") == "codex"
