"""scripts/install-test-tools.sh (what ./test.sh runs first): says what failed, and asks before apt-get."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support.tools import ROOT

SCRIPT = ROOT / "scripts" / "install-test-tools.sh"
# What the script itself needs; zsh, fish and the rest stay missing.
BASICS = ("bash", "cat", "grep", "mktemp", "tail", "rm", "mkdir", "dirname", "head")


@pytest.fixture
def sandbox(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the script in a checkout of its own (no .cache), and a PATH of stand-ins."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(SCRIPT, repo / "scripts" / SCRIPT.name)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in BASICS:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    fake(bin_dir, "id", 'echo 0')  # as root
    fake(bin_dir, "apt-get", f'echo "apt-get $*" >> {tmp_path}/apt.log')
    return repo, bin_dir


def fake(bin_dir: Path, name: str, body: str) -> None:
    p = bin_dir / name
    p.write_text(f"#!/bin/sh\n{body}\n")
    p.chmod(0o755)


def run(repo: Path, bin_dir: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(repo / "scripts" / SCRIPT.name)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60, env={"PATH": str(bin_dir), "HOME": str(repo), **env})


def test_a_failed_npm_install_shows_npms_error_and_what_to_do(sandbox: tuple[Path, Path]) -> None:
    repo, bin_dir = sandbox
    fake(bin_dir, "npm", 'echo "npm ERR! code E404" >&2; echo "npm ERR! 404 Not Found - GET https://registry/x" >&2; exit 1')
    out = run(repo, bin_dir)
    assert out.returncode == 1
    assert "npm ERR! 404 Not Found" in out.stderr and "Check the network or the registry" in out.stderr


def test_as_root_without_a_terminal_it_does_not_apt_get_unasked(sandbox: tuple[Path, Path], tmp_path: Path) -> None:
    repo, bin_dir = sandbox
    out = run(repo, bin_dir)
    assert out.returncode == 0, out.stderr
    assert not (tmp_path / "apt.log").exists()
    assert "missing zsh fish" in out.stderr and "sudo apt-get install" in out.stderr


def test_in_ci_it_installs_the_missing_tools(sandbox: tuple[Path, Path], tmp_path: Path) -> None:
    repo, bin_dir = sandbox
    out = run(repo, bin_dir, CI="true")
    assert out.returncode == 0, out.stderr
    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert calls[0] == "apt-get update -qq" and calls[1].startswith("apt-get install -y -qq zsh fish")


def test_at_a_terminal_it_asks_first_and_no_means_no(sandbox: tuple[Path, Path], tmp_path: Path) -> None:
    import pty

    repo, bin_dir = sandbox
    master, slave = pty.openpty()
    try:
        os.write(master, b"n\n")
        out = subprocess.run(["bash", str(repo / "scripts" / SCRIPT.name)], stdin=slave, capture_output=True,
                             text=True, timeout=60, env={"PATH": str(bin_dir), "HOME": str(repo)})
    finally:
        os.close(slave)
        os.close(master)
    assert "Install them system-wide with apt-get now? [y/N]" in out.stderr
    assert out.returncode == 0 and not (tmp_path / "apt.log").exists()


def test_a_cache_link_that_leads_nowhere_is_named(sandbox: tuple[Path, Path]) -> None:
    repo, bin_dir = sandbox
    (repo / ".cache").symlink_to(repo / ".cache")  # what a committed worktree link became in the shared checkout
    out = run(repo, bin_dir)
    assert out.returncode == 1 and ".cache is a symlink to" in out.stderr and "rm .cache" in out.stderr
