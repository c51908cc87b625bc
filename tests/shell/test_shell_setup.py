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
    assert not any("route init" in n for n in shell_setup.plan_install("zsh", render=fake_render).notes)


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


def _status(home: Path, line: str) -> None:
    d = home / ".local/state/modelroute"
    d.mkdir(parents=True, exist_ok=True)
    (d / "status").write_text(line)


PROMPT_PROBE = {
    # What the shell draws before a prompt: refresh the segment, then expand the prompt.
    "bash": ["bash", "-i", "-c", '__route_refresh; echo "${PS1@P}"'],
    "zsh": ["zsh", "-i", "-c", '__route_refresh; print -rP -- "$RPROMPT"'],
    "fish": ["fish", "-i", "-c", "fish_right_prompt"],
}
USER_PROMPT = {
    ".bashrc": "PS1='mine> '\n",
    ".zshrc": "RPROMPT='%~'\n",
    ".config/fish/config.fish": "set -g fish_greeting ''\n",
}


@pytest.mark.shell
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_prompt_segment_is_offered_with_its_diff_and_shows_the_tier_once_added(isolated_home: Path, shell: str) -> None:
    from support.tools import require_tool

    require_tool(shell)
    for rel, text in USER_PROMPT.items():
        (isolated_home / rel).parent.mkdir(parents=True, exist_ok=True)
        (isolated_home / rel).write_text(text)
    plan = shell_setup.plan_install(shell, platform="linux")
    (offer,) = plan.offers
    assert offer.option == "prompt" and "+# modelroute prompt segment" in offer.diff
    _apply(plan)
    plan = shell_setup.plan_install(shell, platform="linux", prompt=True)
    assert not plan.offers
    _apply(plan)
    _status(isolated_home, "opus 2 claude s1\n")
    env = {"HOME": str(isolated_home), "PATH": os.environ["PATH"], "TERM": "dumb",
           "XDG_STATE_HOME": str(isolated_home / ".local/state"), "XDG_CONFIG_HOME": str(isolated_home / ".config")}
    out = subprocess.run(PROMPT_PROBE[shell], capture_output=True, text=True, env=env, cwd=str(isolated_home),
                         stdin=subprocess.DEVNULL, timeout=60)
    want = {"bash": "[opus↑2] mine> ", "zsh": "opus↑2 ~", "fish": "opus↑2"}[shell]
    assert want in out.stdout, (out.stdout, out.stderr)
    again = shell_setup.plan_install(shell, platform="linux")  # kept on reinstall, not offered again
    assert not again.changed and not again.offers
    _apply(shell_setup.plan_install(shell, platform="linux", prompt=False))
    assert "modelroute prompt segment" not in "".join(
        p.read_text() for p in isolated_home.rglob("*") if p.is_file() and p.suffix != ".pyc")


def test_no_offer_when_the_prompt_shows_it_already_and_a_snippet_for_starship(
        isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    (isolated_home / ".bashrc").write_text("PS1='${ROUTE_PROMPT} $ '\n")
    plan = shell_setup.plan_install("bash", render=fake_render, platform="linux")
    assert not plan.offers and not any("prompt" in n for n in plan.notes)
    (isolated_home / ".bashrc").write_text('eval "$(starship init bash)"\n')
    plan = shell_setup.plan_install("bash", render=fake_render, platform="linux")
    assert not plan.offers
    assert any("starship" in n for n in plan.notes) and any("[custom.route]" in n for n in plan.notes)


def test_route_in_local_bin_is_put_on_path_for_new_shells(isolated_home: Path, python_exe: str) -> None:
    """A fresh account: ~/.local/bin is not on PATH, and /usr/sbin/route may be net-tools'."""
    from routing.shell import init as shell_init

    bin_dir = isolated_home / ".local/bin"
    bin_dir.mkdir(parents=True)
    route = shell_init.route_command()[0]
    if not route.endswith(("route", "modelroute")):
        pytest.skip("no route script beside this interpreter")
    (bin_dir / "route").symlink_to(route)
    (isolated_home / ".bashrc").write_text("")
    plan = shell_setup.plan_install("bash", render=fake_render, platform="linux", environ={"PATH": "/usr/bin:/bin"})
    assert any("is not on PATH now" in d for e in plan.edits for d in e.details)
    _apply(plan)
    env = {"HOME": str(isolated_home), "PATH": "/usr/sbin:/usr/bin:/bin", "TERM": "dumb"}
    for _ in range(2):  # the second shell inherits PATH: no second copy
        out = subprocess.run(["bash", "-i", "-c", 'type -P route; echo "$PATH"'], capture_output=True, text=True,
                             env=env, stdin=subprocess.DEVNULL, timeout=30)
        found, path = out.stdout.split()[-2:]
        assert found == str(bin_dir / "route") and path.split(":").count(str(bin_dir)) == 1, out
        env["PATH"] = path
