"""Shared fixtures. Every test runs against a temp HOME: nothing may touch the real one."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HOME and every XDG and tool directory at a fresh temp dir."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    for var in ("CLAUDE_CONFIG_DIR", "CODEX_HOME", "CLAUDE_CODE_SUBAGENT_MODEL", "ANTHROPIC_MODEL", "CLAUDECODE",
                "CLAUDE_PROJECT_DIR", "CLAUDE_CODE_SESSION_ID", "ROUTE_SHELL_HINTS", "ROUTE_SESSION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(home)
    return home


def require_tool(name: str) -> str:
    """Path of a program the test needs: a skip on a dev box, a failure in CI."""
    found = shutil.which(name)
    if found:
        return found
    if IN_CI:
        pytest.fail(f"{name} is required in CI (scripts/install-test-tools.sh installs it)")
    pytest.skip(f"{name} not installed")


def npm_tool(pkg_dir: str, binary: str) -> str:
    """A pinned npm CLI installed by scripts/install-test-tools.sh into .cache/npm."""
    path = ROOT / ".cache" / "npm" / pkg_dir / "node_modules" / ".bin" / binary
    if path.exists():
        return str(path)
    if IN_CI:
        pytest.fail(f"{path} missing: scripts/install-test-tools.sh should have installed it")
    pytest.skip(f"{binary} not installed under .cache/npm")


@pytest.fixture
def python_exe() -> str:
    return sys.executable
