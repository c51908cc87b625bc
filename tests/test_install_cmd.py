"""`route install` / `route uninstall` as commands: target selection, dry run, confirmation, purge."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from routing import cli
from routing.commands import install as install_cmd


class _Main:
    """CliRunner wants a click command; routing.cli.main builds its lazy group per call."""

    name = "route"

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        return cli.main(args)


def route(*args: str, input: str = "") -> tuple[int, str]:
    result = CliRunner().invoke(_Main(), list(args), input=input)  # type: ignore[arg-type]
    return result.exit_code, result.output


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def codex_user(isolated_home: Path) -> Path:
    (isolated_home / ".codex").mkdir()
    (isolated_home / ".bashrc").write_text("alias ll='ls -l'\n")
    return isolated_home


def test_dry_run_shows_diffs_and_writes_nothing(codex_user: Path) -> None:
    before = snapshot(codex_user)
    code, out = route("install", "--no-claude", "--login-shell", "bash", "--dry-run")
    assert code == 0, out
    assert snapshot(codex_user) == before
    assert "+# >>> modelroute >>>" in out and "quick.config.toml" in out and "dry run: nothing was written" in out


def test_without_a_terminal_it_installs_without_asking(codex_user: Path) -> None:
    code, out = route("install", "--no-claude", "--login-shell", "bash")
    assert code == 0, out
    assert "# >>> modelroute >>>" in (codex_user / ".bashrc").read_text()
    assert (codex_user / ".codex/deep.config.toml").exists()
    assert "Undo: route uninstall" in out


def test_at_a_terminal_it_asks_first(codex_user: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(install_cmd, "interactive", lambda: True)
    before = snapshot(codex_user)
    # First the prompt-segment offer, then the plan's question.
    code, out = route("install", "--no-claude", "--login-shell", "bash", input="n\nn\n")
    assert code == 1 and "Write these changes?" in out and "nothing was written" in out
    assert snapshot(codex_user) == before
    code, out = route("install", "--no-claude", "--login-shell", "bash", input="n\ny\n")
    assert code == 0 and (codex_user / ".codex/quick.config.toml").exists()
    code, out = route("install", "--no-claude", "--login-shell", "bash")
    assert code == 0 and "Write these changes?" not in out  # nothing to change: nothing to ask


def test_the_plan_is_printed_once_with_created_for_new_files(codex_user: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(install_cmd, "interactive", lambda: True)
    code, out = route("install", "--no-claude", "--login-shell", "bash", input="n\ny\n")
    assert code == 0, out
    quick = codex_user / ".codex/quick.config.toml"
    assert out.count(str(quick)) == 1 and re.search(rf"CREATED +{quick} ", out)
    assert re.search(rf"MODIFIED +{codex_user}/\.bashrc ", out)
    assert "done: 3 created, 1 modified" in out
    code, out = route("uninstall")
    assert re.search(rf"REMOVED +{quick} ", out) and re.search(rf"MODIFIED +{codex_user}/\.bashrc ", out)


def test_at_a_terminal_the_prompt_segment_is_offered_with_its_diff(codex_user: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(install_cmd, "interactive", lambda: True)
    code, out = route("install", "--shell", "--login-shell", "bash", input="y\ny\n")
    assert code == 0, out
    diff_at = out.index("+# modelroute prompt segment")
    assert diff_at < out.index("Show the routed tier") < out.index("Write these changes?")
    assert "ROUTE_PROMPT" in (codex_user / ".bashrc").read_text()
    code, out = route("install", "--shell", "--login-shell", "bash", "--no-prompt", "--yes")
    assert code == 0 and "ROUTE_PROMPT" not in (codex_user / ".bashrc").read_text()
    code, out = route("install", "--shell", "--login-shell", "bash", input="")  # installed: no offer, no question
    assert code == 0 and "Show the routed tier" not in out and "Write these changes?" not in out


def test_target_flags_select_only_those(codex_user: Path) -> None:
    code, out = route("install", "--codex")
    assert code == 0, out
    assert (codex_user / ".codex/quick.config.toml").exists()
    assert "modelroute" not in (codex_user / ".bashrc").read_text()
    assert not (codex_user / ".claude").exists()


def test_codex_is_skipped_when_absent(isolated_home: Path) -> None:
    code, out = route("install", "--no-claude", "--login-shell", "zsh")
    assert code == 0, out
    assert "Codex" not in out and not (isolated_home / ".codex").exists()


def test_fish_user_gets_conf_d(isolated_home: Path) -> None:
    code, out = route("install", "--shell", "--login-shell", "fish")
    assert code == 0, out
    conf = isolated_home / ".config/fish/conf.d/modelroute.fish"
    assert "codex-quick" in conf.read_text()
    code, out = route("uninstall", "--shell")
    assert code == 0 and not conf.exists()


def test_cursor_gets_settings_to_pick_by_hand(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = isolated_home / "bin"
    bin_dir.mkdir()
    (bin_dir / "cursor-agent").write_text("#!/bin/sh\n")
    (bin_dir / "cursor-agent").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    code, out = route("install", "--no-claude", "--no-shell", "--dry-run")
    assert "Cursor" in out
    lines = {l.split()[0]: l for l in out.splitlines() if l.strip().startswith(("Chat", "Inline", "Agent"))}
    assert "claude-sonnet-4" in lines["Chat"] and "claude-haiku-4" in lines["Inline"] and "claude-sonnet-4" in lines["Agent"]


def test_a_refused_part_fails_the_run_but_not_the_others(codex_user: Path) -> None:
    (codex_user / ".bashrc").write_text("# >>> modelroute >>>\nhalf a block\n")
    code, out = route("install", "--no-claude", "--login-shell", "bash")
    assert code == 1
    assert "line 1" in out and "no '# <<< modelroute <<<'" in out
    assert (codex_user / ".codex/quick.config.toml").exists()


def test_purge_removes_state_and_config_but_not_the_package_env(codex_user: Path) -> None:
    assert route("install", "--no-claude", "--login-shell", "bash")[0] == 0
    state = codex_user / ".local/state/modelroute"
    state.mkdir(parents=True, exist_ok=True)
    (state / "state.json").write_text("{}")
    cfg = codex_user / ".config/modelroute/config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text("[codex]\ndeep_effort = 'high'\n")
    venv = codex_user / ".local/share/modelroute/venv"
    venv.mkdir(parents=True)
    code, out = route("uninstall", "--purge")
    assert code == 0, out
    assert not state.exists() and not cfg.parent.exists() and venv.is_dir()
    assert not (codex_user / ".local/share/modelroute/init.bash").exists()
    assert (codex_user / ".bashrc").read_text() == "alias ll='ls -l'\n"


def test_uninstall_when_nothing_is_installed_changes_nothing(codex_user: Path) -> None:
    before = snapshot(codex_user)
    code, out = route("uninstall")
    assert code == 0, out
    assert snapshot(codex_user) == before


def test_route_install_runs_as_a_real_process(codex_user: Path) -> None:
    env = dict(os.environ, SHELL="/bin/bash")
    out = subprocess.run([sys.executable, "-m", "routing", "install", "--no-claude"], env=env,
                         stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "# >>> modelroute >>>" in (codex_user / ".bashrc").read_text()


def test_missing_home_is_refused_before_anything_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = tmp_path / "gone"
    monkeypatch.setenv("HOME", str(gone))
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var)
    for cmd in ("install", "uninstall"):
        code, out = route(cmd)
        assert code == 1 and f"HOME ({gone}) does not exist" in out
    assert not gone.exists()


def test_on_a_real_terminal_install_asks_and_no_writes_nothing(codex_user: Path) -> None:
    """stdin a pty (not a monkeypatch): the question appears, and 'n' leaves every file as it was."""
    import pty
    import select

    before = snapshot(codex_user)
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "routing", "install", "--no-claude", "--login-shell", "bash"],
                            stdin=slave, stdout=slave, stderr=slave, env=dict(os.environ), close_fds=True)
    os.close(slave)
    seen = b""
    try:
        for question in (b"Show the routed tier", b"Write these changes?"):
            while question not in seen:
                ready, _, _ = select.select([master], [], [], 30)
                assert ready, f"no question within 30 s; got {seen!r}"
                seen += os.read(master, 4096)
            os.write(master, b"n\n")
        assert proc.wait(timeout=30) == 1
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert b".bashrc" in seen and snapshot(codex_user) == before
