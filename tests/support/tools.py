"""Where the tests find the checkout, its data, and the real programs they drive."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared"
IN_CI = bool(os.environ.get("CI"))


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


def fake_claude_on_path(bin_dir: Path, version: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `claude` that only answers --version, first on PATH: what install reads the version from."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    exe = bin_dir / "claude"
    exe.write_text(f"#!/bin/sh\necho '{version} (Claude Code)'\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return exe
