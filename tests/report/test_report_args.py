"""`route report`'s two command lines: the usual forms are parsed by hand (no click import), and
every other form, mistake and refusal is click's. Both must read the same flags the same way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from routing.commands.report import command
from routing.report import run

TAKEN = [
    [],
    ["--json"],
    ["session", "--json", "--since", "2000-01-01"],
    ["--since=2000-01-01", "weekly", "--until", "2030-12-31"],
    ["model", "--project", "myrepo", "--timezone", "Europe/Paris", "--csv"],
    ["--html", "out.html"],
    ["--jobs", "2", "--no-cache", "monthly"],
    ["--timezone=UTC", "--json", "daily"],
    ["--since", "bogus"],  # parsed alike; prepare refuses it, and then click says so
    ["--json", "--csv"],
]
LEFT_TO_CLICK = [
    ["--help"], ["-h"], ["yearly"], ["daily", "weekly"], ["--json", "--json"], ["--since"], ["--since", "--json"],
    ["--frob"], ["--jobs", "x"], ["--jobs=2.5"], ["--", "daily"], ["--json=1"], ["--since="], ["-j"],
]


@pytest.mark.parametrize("args", TAKEN, ids=" ".join)
def test_the_hand_parser_reads_the_usual_forms_as_click_does(args: list[str]) -> None:
    want = run.Options(**command.make_context("report", list(args)).params)
    assert run.fast_parse(list(args)) == want


@pytest.mark.parametrize("args", LEFT_TO_CLICK, ids=" ".join)
def test_every_other_form_is_left_to_click(args: list[str]) -> None:
    assert run.fast_parse(list(args)) is None


def test_an_html_path_that_is_a_directory_is_left_to_click(tmp_path: Path) -> None:
    assert run.fast_parse(["--html", str(tmp_path)]) is None
    assert run.fast_parse(["--html", str(tmp_path / "r.html")]) == run.Options(html=str(tmp_path / "r.html"))


def _route(args: list[str], env: dict[str, str], *python: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *python, "-m", "routing", "report", *args], capture_output=True,
                          text=True, env=env, timeout=60)


@pytest.fixture
def env(tmp_path: Path, isolated_home: Path) -> dict[str, str]:
    claude = tmp_path / "claude"
    (claude / "projects").mkdir(parents=True)
    return {**os.environ, "CLAUDE_CONFIG_DIR": str(claude)}


def test_a_usual_report_imports_no_click(env: dict[str, str]) -> None:
    proc = _route(["--json", "--since", "2000-01-01"], env, "-X", "importtime")
    assert proc.returncode == 0, proc.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")]
    assert "routing.report.pipeline" in imported  # the trace is there, and it is the report's
    assert not [m for m in imported if m.split(".")[0] == "click"]


@pytest.mark.parametrize("args", [["--since", "bogus"], ["--json", "--csv"], ["--timezone", "Mars/Olympus"],
                                  ["--since", "2001-01-02", "--until", "2001-01-01"]], ids=" ".join)
def test_refusals_read_as_click_words_them(args: list[str], env: dict[str, str]) -> None:
    proc = _route(args, env)
    direct = CliRunner().invoke(command, args, prog_name="route report", env=env)
    assert proc.returncode == direct.exit_code == 2
    assert proc.stderr.splitlines()[-1] == direct.output.splitlines()[-1]
    assert proc.stderr.splitlines()[-1].startswith("Error: ")


def test_an_unwritable_page_fails_alike_on_both_paths(tmp_path: Path, env: dict[str, str]) -> None:
    page = str(tmp_path / "missing" / "r.html")
    proc = _route(["--html", page, "--since", "2000-01-01"], env)
    direct = CliRunner().invoke(command, ["--html", page, "--since", "2000-01-01"], env=env)
    assert proc.returncode == direct.exit_code == 1
    assert proc.stderr.strip() == direct.output.strip() == f"Error: cannot write {page}: No such file or directory"


def test_the_output_is_the_same_on_both_paths(tmp_path: Path, env: dict[str, str]) -> None:
    from support.transcript_tree import build_tree

    tree = build_tree(tmp_path / "tree")
    env = {**env, "CLAUDE_CONFIG_DIR": str(tree.root)}
    for args in (["model", "--csv", "--since", "2000-01-01", "--timezone", "UTC"],
                 ["session", "--since", "2000-01-01", "--timezone", "UTC", "--no-cache"]):
        proc = _route(args, env)
        direct = CliRunner().invoke(command, args, env=env)
        assert proc.returncode == direct.exit_code == 0
        assert len(proc.stdout.splitlines()) > 5
        assert proc.stdout == direct.stdout
