"""Shell wiring: generated init + rc block (fish: conf.d), symlinks refused, uninstall exact."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from routing.shell import rcfile
from routing.shell import setup as shell_setup


def fake_render(shell: str) -> str:
    if shell == "fish":
        return "function codex-quick; echo quick $argv; end\n"
    return "codex-quick() { echo quick \"$@\"; }\n"


def _apply(plan) -> None:
    for e in plan.edits:
        e.apply()


def test_bash_install_writes_init_and_block_and_uninstall_restores_bytes(isolated_home: Path) -> None:
    rc = isolated_home / ".bashrc"
    original = "# my bashrc\nalias ll='ls -l'\n"
    rc.write_text(original)
    os.chmod(rc, 0o640)
    plan = shell_setup.plan_install("bash", render=fake_render, platform="linux")
    assert not plan.skipped
    _apply(plan)
    init = isolated_home / ".local/share/modelroute/init.bash"
    assert "codex-quick()" in init.read_text()
    text = rc.read_text()
    assert text.startswith(original) and rcfile.BEGIN in text
    assert os.stat(rc).st_mode & 0o777 == 0o640
    out = subprocess.run(["bash", "-i", "-c", "type -t codex-quick; echo $MODELROUTE_SHELL_INIT"],
                         capture_output=True, text=True, env={"HOME": str(isolated_home), "PATH": os.environ["PATH"]})
    assert out.stdout.split() == ["function", "bash"], out.stderr
    again = shell_setup.plan_install("bash", render=fake_render, platform="linux")
    assert not any(e.changed for e in again.edits)
    _apply(shell_setup.plan_uninstall())
    assert rc.read_bytes() == original.encode()
    assert not init.exists()


def test_fish_gets_a_conf_d_file(isolated_home: Path) -> None:
    _apply(shell_setup.plan_install("fish", render=fake_render))
    conf = isolated_home / ".config/fish/conf.d/modelroute.fish"
    assert "function codex-quick" in conf.read_text()
    _apply(shell_setup.plan_uninstall())
    assert not conf.exists()


def test_zsh_honours_zdotdir(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    zdot = isolated_home / "zdot"
    zdot.mkdir()
    monkeypatch.setenv("ZDOTDIR", str(zdot))
    _apply(shell_setup.plan_install("zsh", render=fake_render))
    assert rcfile.BEGIN in (zdot / ".zshrc").read_text()
    assert not (isolated_home / ".zshrc").exists()


def test_symlinked_rc_is_refused_unless_asked(isolated_home: Path) -> None:
    dotfiles = isolated_home / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "bashrc").write_text("export A=1\n")
    (isolated_home / ".bashrc").symlink_to(dotfiles / "bashrc")
    plan = shell_setup.plan_install("bash", render=fake_render, platform="linux")
    assert [s.path.name for s in plan.skipped] == [".bashrc"]
    reason = plan.skipped[0].reason
    assert "symlink" in reason and "--follow-symlinks" in reason and rcfile.BEGIN in reason
    assert all(e.path.name != ".bashrc" for e in plan.edits)
    plan = shell_setup.plan_install("bash", render=fake_render, follow_symlinks=True, platform="linux")
    _apply(plan)
    assert (isolated_home / ".bashrc").is_symlink()
    assert rcfile.BEGIN in (dotfiles / "bashrc").read_text()
    assert any("symlink" in n for n in plan.notes)
    _apply(shell_setup.plan_uninstall())
    assert (dotfiles / "bashrc").read_text() == "export A=1\n" and (isolated_home / ".bashrc").is_symlink()


def test_foreign_conf_d_file_is_left_alone(isolated_home: Path) -> None:
    conf = isolated_home / ".config/fish/conf.d/modelroute.fish"
    conf.parent.mkdir(parents=True)
    conf.write_text("# mine\n")
    plan = shell_setup.plan_install("fish", render=fake_render)
    assert plan.skipped and plan.skipped[0].failed and not plan.edits
    plan = shell_setup.plan_uninstall()
    assert not plan.edits and conf.read_text() == "# mine\n"


def test_a_failing_render_is_reported_not_raised(isolated_home: Path) -> None:
    def broken(shell: str) -> str:
        raise RuntimeError("`route init bash` failed: boom")

    plan = shell_setup.plan_install("bash", render=broken)
    assert plan.skipped[0].failed and "boom" in plan.skipped[0].reason and not plan.edits


def test_a_hand_written_route_init_line_is_pointed_out(isolated_home: Path) -> None:
    (isolated_home / ".zshrc").write_text('eval "$(route init zsh)"\n')
    plan = shell_setup.plan_install("zsh", render=fake_render)
    assert any("also runs `route init`" in n for n in plan.notes)
    (isolated_home / ".zshrc").write_text("alias r=ls\n")
    assert not shell_setup.plan_install("zsh", render=fake_render).notes


def test_rc_file_created_by_install_is_deleted_by_uninstall(isolated_home: Path) -> None:
    _apply(shell_setup.plan_install("zsh", render=fake_render))
    assert rcfile.BEGIN in (isolated_home / ".zshrc").read_text()
    _apply(shell_setup.plan_uninstall())
    assert not (isolated_home / ".zshrc").exists()


def test_an_empty_rc_file_of_the_users_stays_empty(isolated_home: Path) -> None:
    (isolated_home / ".zshrc").write_text("")
    _apply(shell_setup.plan_install("zsh", render=fake_render))
    _apply(shell_setup.plan_uninstall())
    assert (isolated_home / ".zshrc").read_bytes() == b""
