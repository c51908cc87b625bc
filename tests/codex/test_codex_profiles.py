"""Codex profiles: written from config, never over a file that is not ours, removed only when unchanged."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from routing.codex import profiles as codex_profiles
from routing.core.config import load
from routing.edits import owned as owned_files

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _apply(plan) -> None:
    plan.apply()
    assert not plan.error, plan.error


def test_profiles_carry_models_and_effort_from_config(isolated_home: Path) -> None:
    cfg = isolated_home / ".config/modelroute/config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('[models.codex]\nhaiku = "gpt-tiny"\nopus = "gpt-huge"\n[codex]\ndeep_effort = "xhigh"\n')
    plan = codex_profiles.plan_install(load())
    assert not plan.skipped
    _apply(plan)
    codex = isolated_home / ".codex"
    quick = tomllib.loads((codex / "quick.config.toml").read_text())
    deep = tomllib.loads((codex / "deep.config.toml").read_text())
    assert quick == {"model": "gpt-tiny"}
    assert deep == {"model": "gpt-huge", "model_reasoning_effort": "xhigh"}
    assert not (codex / "config.toml").exists()


def test_codex_home_is_honoured(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEX_HOME", str(isolated_home / "elsewhere"))
    _apply(codex_profiles.plan_install(load()))
    assert (isolated_home / "elsewhere/deep.config.toml").is_file()


def test_second_install_changes_nothing(isolated_home: Path) -> None:
    _apply(codex_profiles.plan_install(load()))
    plan = codex_profiles.plan_install(load())
    assert plan.edits and not plan.changed and not plan.skipped


def test_install_never_overwrites_a_foreign_profile(isolated_home: Path) -> None:
    mine = isolated_home / ".codex/deep.config.toml"
    mine.parent.mkdir()
    mine.write_text('model = "my-own"\n')
    plan = codex_profiles.plan_install(load())
    skipped = plan.skipped
    _apply(plan)
    assert mine.read_text() == 'model = "my-own"\n'
    assert [s.path for s in skipped] == [mine]
    assert "not modelroute's" in skipped[0].reason


def test_uninstall_removes_ours_but_keeps_an_edited_one(isolated_home: Path) -> None:
    _apply(codex_profiles.plan_install(load()))
    deep = isolated_home / ".codex/deep.config.toml"
    deep.write_text(deep.read_text() + 'model_verbosity = "low"\n')
    plan = codex_profiles.plan_uninstall()
    skipped = plan.skipped
    _apply(plan)
    assert not (isolated_home / ".codex/quick.config.toml").exists()
    assert deep.exists() and [s.path for s in skipped] == [deep]


def test_config_change_refreshes_our_profile(isolated_home: Path) -> None:
    _apply(codex_profiles.plan_install(load()))
    cfg = isolated_home / ".config/modelroute/config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('[models.codex]\nhaiku = "gpt-newer-nano"\n')
    plan = codex_profiles.plan_install(load())
    assert [e.path.name for e in plan.changes] == ["quick.config.toml"]
    _apply(plan)
    assert "gpt-newer-nano" in (isolated_home / ".codex/quick.config.toml").read_text()


def test_ownership_marker_detects_edits() -> None:
    text = owned_files.render("a = 1\n")
    assert owned_files.ownership(text) == owned_files.OURS
    assert owned_files.ownership(text + "b = 2\n") == owned_files.EDITED
    assert owned_files.ownership("a = 1\n") == owned_files.FOREIGN


@pytest.mark.e2e
def test_real_codex_runs_each_profile_on_its_model_and_effort(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Codex 0.169 itself loads the files we write: `--profile quick|deep` reach the API as such."""
    import os
    import subprocess

    from support.fake_responses import FakeResponses, write_codex_config
    from support.tools import npm_tool

    codex = npm_tool("codex", "codex")
    home = isolated_home / "codex-home"
    home.mkdir()
    monkeypatch.setenv("CODEX_HOME", str(home))
    with FakeResponses(text="ok") as api:
        write_codex_config(home, api.port)
        user_config = (home / "config.toml").read_bytes()
        _apply(codex_profiles.plan_install(load()))
        env = dict(os.environ, CODEX_HOME=str(home), MOCK_API_KEY="dummy")
        for profile in ("quick", "deep"):
            out = subprocess.run([codex, "exec", "--profile", profile, "--skip-git-repo-check", "--ephemeral", "say ok"],
                                 env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
            assert out.returncode == 0, out.stdout + out.stderr
        sent = [(b.get("model"), (b.get("reasoning") or {}).get("effort")) for b in api.requests]
    assert sent[0][0] == "gpt-5-nano" and sent[0][1] != "high"
    assert sent[1] == ("gpt-5.2", "high")
    assert (home / "config.toml").read_bytes() == user_config
