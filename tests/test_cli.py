"""The `route` CLI as a user runs it: real subprocesses of the installed entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.tools import ROOT

from routing.cli import COMMANDS


def route(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "routing", *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=60,
    )


def _all_commands() -> list[list[str]]:
    """Every command and subcommand path, found by walking the click tree."""
    import importlib

    import click

    from routing.cli import COMMANDS

    paths: list[list[str]] = []

    def walk(cmd: click.Command, path: list[str]) -> None:
        paths.append(path)
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                if not sub.hidden:
                    walk(sub, path + [name])

    for name, mod in COMMANDS.items():
        cmd = importlib.import_module(f"routing.commands.{mod}").command
        if not cmd.hidden:
            walk(cmd, [name])
    return paths


@pytest.mark.parametrize("path", _all_commands(), ids=lambda p: " ".join(p))
def test_every_command_has_help_with_an_example_and_is_documented(path: list[str]) -> None:
    r = route(*path, "--help")
    assert r.returncode == 0, r.stderr
    assert "Example:" in r.stdout
    assert f"route {path[0]}" in (ROOT / "README.md").read_text(encoding="utf-8"), f"README never mentions route {path[0]}"


def test_no_arguments_shows_help_and_points_to_net_tools() -> None:
    r = route()
    assert r.returncode == 0
    assert "explain" in r.stdout and "route -n" in r.stdout


def test_explain_names_tier_reasons_and_models() -> None:
    r = route("explain", "find where parse_config is defined")
    assert r.returncode == 0, r.stderr
    assert "tier:" in r.stdout and "why:" in r.stdout
    assert "Claude Code:" in r.stdout and "Codex:" in r.stdout and "Cursor:" in r.stdout


def test_explain_says_when_the_learned_layer_overruled_the_rules() -> None:
    """The layer's verdict line (with the rules' label it overruled) is shown once, beside the
    pulls behind it, so the rules' own 'not haiku' does not read as the last word."""
    from routing.commands.explain import render
    from routing.core.config import DEFAULTS, Config
    from routing.router.decision import Decision

    config = Config(DEFAULTS, [], [])
    d = Decision("haiku", "task", 0.99, ["asks for the cause of a problem",
                                         "not haiku: the ask is more than a lookup or an explanation",
                                         "learned layer: haiku 99% over opus 1%, not the rules' sonnet"], "diagnose")
    out = render(d, config, ["learned layer: haiku 99%, opus 1%, sonnet 0%",
                             "toward haiku rather than opus: the words 'why'"])
    said = [line for line in out.splitlines() if line.startswith("  - learned layer")]
    assert said == ["  - learned layer: haiku 99% over opus 1%, not the rules' sonnet"], out
    assert "  - toward haiku rather than opus: the words 'why'" in out
    missing = render(Decision("sonnet", "task", 0.6, ["no clear signal"], "task"), config,
                     ["learned layer: not installed (routing/router/model is missing)"])
    assert "  - learned layer: not installed" in missing


def test_explain_json_reads_stdin() -> None:
    r = route("explain", "--json", "-", stdin="design a multi-region architecture for our billing system")
    out = json.loads(r.stdout)
    assert out["tier"] == "opus" and out["models"]["codex"] == "gpt-5.2"
    assert set(out) >= {"tier", "kind", "confidence", "reasons"}


def test_classify_jsonl_keeps_order_over_thousands_of_lines() -> None:
    prompts = ["where is main defined?", "write a parser for the config file", "design the sharding strategy"]
    lines = [json.dumps({"id": i, "prompt": prompts[i % 3]}) for i in range(3000)]
    r = route("classify", "--jsonl", stdin="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o["id"] for o in out] == list(range(3000))
    assert all(set(o) == {"id", "tier", "kind", "confidence", "reasons"} for o in out)
    assert out[0]["tier"] != out[2]["tier"]


def test_classify_jsonl_reports_bad_lines_and_goes_on() -> None:
    r = route("classify", "--jsonl", stdin='not json\n{"id": 7, "prompt": "where is x"}\n[1]\n')
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert "error" in out[0] and out[1]["id"] == 7 and "error" in out[2]


def test_eval_prints_matrix_and_metrics(tmp_path: Path) -> None:
    data = tmp_path / "l.jsonl"
    data.write_text(
        "\n".join(json.dumps(r) for r in [
            {"prompt": "where is parse_config defined?", "label": "haiku"},
            {"prompt": "find the race condition in the scheduler", "label": "opus"},
            {"prompt": "thanks!", "label": "continue"},
        ]) + "\n"
    )
    r = route("eval", str(data))
    assert r.returncode == 0, r.stderr
    assert "confusion" in r.stdout and "precision" in r.stdout and "under-routed" in r.stdout
    assert "of all-Opus" in r.stdout and "perfect router" in r.stdout
    metrics = json.loads(route("eval", "--json", str(data)).stdout)
    assert metrics["n"] == 3


def test_eval_rejects_unknown_labels_clearly(tmp_path: Path) -> None:
    data = tmp_path / "l.jsonl"
    data.write_text(json.dumps({"prompt": "x", "label": "gpt"}) + "\n")
    r = route("eval", str(data))
    assert r.returncode != 0 and "unknown label 'gpt'" in r.stderr and "Traceback" not in r.stderr


def test_broken_config_is_named_with_file_line_and_key(isolated_home: Path) -> None:
    cfg = isolated_home / ".config" / "modelroute" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('[models.codex]\nhaiku = "gpt-5-nano"\n\n[claude]\nmood = "suggest"\n')
    r = route("explain", "where is x")
    assert r.returncode != 0
    assert str(cfg) in r.stderr and "line 5" in r.stderr and "claude.mood" in r.stderr
    assert "Traceback" not in r.stderr
    assert route("config", "check").returncode != 0


def test_config_show_merges_project_file_over_user_file(isolated_home: Path) -> None:
    user = isolated_home / ".config" / "modelroute" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text('[models.codex]\nhaiku = "user-nano"\nopus = "user-big"\n')
    repo = isolated_home / "repo" / "sub"
    repo.mkdir(parents=True)
    (isolated_home / "repo" / ".route.toml").write_text('[models.codex]\nopus = "team-big"\n')
    r = subprocess.run([sys.executable, "-m", "routing", "config", "show"], cwd=repo, capture_output=True, text=True)
    models = json.loads(r.stdout)["models"]["codex"]
    assert models == {"haiku": "user-nano", "sonnet": "gpt-5", "opus": "team-big"}


def test_commands_table_matches_modules() -> None:
    import importlib

    for mod in COMMANDS.values():
        assert hasattr(importlib.import_module(f"routing.commands.{mod}"), "command")


def test_net_tools_arguments_reach_the_system_route(tmp_path: Path) -> None:
    fake = tmp_path / "sbin"
    fake.mkdir()
    (fake / "route").write_text("#!/bin/sh\necho \"net-tools route $*\"\n")
    (fake / "route").chmod(0o755)
    code = (
        "import sys, routing.core.nettools as p; p._SYSTEM_DIRS = (sys.argv[1],); "
        "from routing.cli import main; main(sys.argv[2:])"
    )
    r = subprocess.run([sys.executable, "-c", code, str(fake), "-n"], capture_output=True, text=True)
    assert r.stdout.strip() == "net-tools route -n"


def test_net_tools_arguments_without_a_system_route_say_what_to_do(tmp_path: Path) -> None:
    code = (
        "import routing.core.nettools as p, shutil; p._SYSTEM_DIRS = (); shutil.which = lambda *a, **k: None; "
        "from routing.cli import main; main(['-n'])"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 127 and "ip route" in r.stderr
