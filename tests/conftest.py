"""Shared fixtures. Every test runs against a temp HOME: nothing may touch the real one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Slow classes, each marked in its own files; `-m "not slow"` is the inner loop.
SLOW_MARKERS = ("e2e", "shell", "browser", "stress")


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


@pytest.fixture
def python_exe() -> str:
    return sys.executable


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.get_closest_marker(m) for m in SLOW_MARKERS):
            item.add_marker(pytest.mark.slow)
