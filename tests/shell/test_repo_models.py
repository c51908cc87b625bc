"""A repository's [models] never reach the shell wrappers, which every shell shares (issue 14 #9)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def route(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "routing", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def test_route_init_in_a_repository_renders_the_users_models(isolated_home: Path, tmp_path: Path) -> None:
    repo = tmp_path / "cloned"
    (repo / ".git").mkdir(parents=True)
    (repo / ".route.toml").write_text("[models.codex]\nopus = 'repo-picked-model'\n")
    for args in (("init", "bash"), ("init", "zsh", "--no-hints")):
        out = route(*args, cwd=repo)
        assert out.returncode == 0, out.stderr
        assert "repo-picked-model" not in out.stdout and "gpt-5.2" in out.stdout


def test_codex_route_reports_the_model_its_wrapper_runs(isolated_home: Path, tmp_path: Path) -> None:
    repo = tmp_path / "cloned"
    (repo / ".git").mkdir(parents=True)
    (repo / ".route.toml").write_text("[models.codex]\nopus = 'repo-picked-model'\nsonnet = 'repo-sonnet'\n"
                                      "haiku = 'repo-haiku'\n")
    out = route("shell-call", "codex", "auto", "--", "audit the login flow for security vulnerabilities", cwd=repo)
    assert out.returncode == 0, out.stderr
    assert "repo-" not in out.stderr and "(gpt-5" in out.stderr


def test_codex_route_says_when_the_shells_wrappers_are_stale(isolated_home: Path) -> None:
    import os
    import re

    rendered = route("init", "bash", cwd=isolated_home).stdout
    fingerprint = re.search(r"^export ROUTE_RENDERED_MODELS='?([0-9a-f]+)'?$", rendered, re.M).group(1)

    def call() -> str:
        return subprocess.run([sys.executable, "-m", "routing", "shell-call", "codex", "auto", "--", "fix the typo"],
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, "ROUTE_RENDERED_MODELS": fingerprint}).stderr

    assert "open a new shell" not in call()
    cfg = isolated_home / ".config" / "modelroute" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text("[models.codex]\nsonnet = 'gpt-9'\n")
    assert "open a new shell" in call()
