"""./install.sh run for real, as a subprocess, against a temp HOME with realistic dotfiles.

Building the package costs a pip build, so it happens once per session: the
first install (the README's quick start, on a fresh HOME) fills a venv that is
kept aside and copied back into each test's HOME at the same absolute path,
where install.sh's source fingerprint sees it is current and skips pip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Optional

import pytest
from support.tools import ROOT, require_tool

INSTALL_SH = ROOT / "install.sh"
VENV_REL = ".local/share/modelroute/venv"

SETTINGS = """{
  "permissions": {
    "allow": ["Bash(git status)"]
  },
  "hooks": {
    "Stop": [
      {"hooks": [{"type": "command", "command": "notify-send done"}]}
    ],
    "PreToolUse": [
      {"matcher": "Bash", "hooks": [{"type": "command", "command": "~/bin/guard.sh"}]}
    ]
  },
  "env": {"EDITOR": "vim"},
  "theme": "dark"
}
"""
BASHRC = """# ~/.bashrc: executed by bash(1) for non-login shells.
case $- in
    *i*) ;;
      *) return;;
esac
HISTCONTROL=ignoreboth
alias ll='ls -alF'
export PATH="$HOME/bin:$PATH"
"""
PROFILE = """# ~/.profile: executed by the command interpreter for login shells.
if [ -n "$BASH_VERSION" ]; then
    if [ -f "$HOME/.bashrc" ]; then
        . "$HOME/.bashrc"
    fi
fi
"""
ZSHRC = """# my zshrc
setopt HIST_IGNORE_DUPS
bindkey -e
alias gs='git status'"""  # no trailing newline: must come back exactly so
FISH_CONFIG = """if status is-interactive
    set -g fish_greeting ''
end
"""
CODEX_CONFIG = 'model = "gpt-5"\napproval_policy = "on-request"\n'

DOTFILES = {
    ".claude/settings.json": SETTINGS,
    ".bashrc": BASHRC,
    ".profile": PROFILE,
    ".zshrc": ZSHRC,
    ".config/fish/config.fish": FISH_CONFIG,
    ".codex/config.toml": CODEX_CONFIG,
}


def write_dotfiles(home: Path) -> None:
    for rel, text in DOTFILES.items():
        p = home / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def snapshot(home: Path, skip_venv: bool = True, skip_cache: bool = False) -> dict[str, tuple[bytes, float]]:
    """Every file under home (but the venv, and with skip_cache modelroute's cache): its bytes and mtime."""
    out = {}
    for d, dirs, files in os.walk(home):
        if skip_venv:
            dirs[:] = [x for x in dirs if os.path.join(d, x) != str(home / VENV_REL)]
        if skip_cache:  # install.sh ends with `route doctor`, whose throwaway hook state lives there
            dirs[:] = [x for x in dirs if os.path.join(d, x) != str(home / ".cache/modelroute")]
        for f in files:
            p = Path(d) / f
            if p.is_symlink():
                out[str(p.relative_to(home))] = (os.readlink(p).encode(), 0.0)
            else:
                out[str(p.relative_to(home))] = (p.read_bytes(), p.stat().st_mtime)
    return out


def base_env(home: Path, shell: str = "/bin/bash", path: Optional[str] = None) -> dict[str, str]:
    return {
        "HOME": str(home),
        "PATH": path or f"{home}/.local/bin:/usr/local/bin:/usr/bin:/bin",
        "SHELL": shell,
        "MODELROUTE_NO_PIPX": "1",
        "LANG": "C.UTF-8",
        "TERM": "dumb",
    }


def run_install(home: Path, *args: str, env: Optional[dict[str, str]] = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(INSTALL_SH), *args], env=env or base_env(home), cwd=str(home),
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300, **kw,
    )


class Session:
    """One fixed HOME path for the whole session, reset for each test."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.venv_cache = root / "venv-cache"
        self.quick_start: list[tuple[str, subprocess.CompletedProcess]] = []

    def reset(self, with_venv: bool = True) -> Path:
        if self.home.exists():
            for d, dirs, _ in os.walk(self.home):
                for x in dirs:
                    os.chmod(os.path.join(d, x), 0o755)
            os.chmod(self.home, 0o755)
            shutil.rmtree(self.home)
        self.home.mkdir()
        write_dotfiles(self.home)
        if with_venv and self.venv_cache.exists():
            (self.home / VENV_REL).parent.mkdir(parents=True)
            # Hard links: instant, and safe since nothing writes into a venv's files in place.
            subprocess.run(["cp", "-al", str(self.venv_cache), str(self.home / VENV_REL)], check=True)
        return self.home


def quick_start_commands() -> list[str]:
    """The README's two commands: the first installs modelroute, the second runs the test suite.

    scripts/fresh-machine.sh runs both on a clean clone; here the first one runs."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert blocks, "README's Quick start has no ```sh block"
    return [line.split("  #")[0].strip() for b in blocks for line in b.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def install_session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    """The README's install command, verbatim, on a fresh HOME: the session's only pip build."""
    s = Session(tmp_path_factory.mktemp("install-sh"))
    home = s.reset(with_venv=False)
    s.quick_start = []
    for cmd in quick_start_commands()[:1]:
        out = subprocess.run(["bash", "-c", cmd], cwd=str(ROOT), env=base_env(home), stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=600)
        s.quick_start.append((cmd, out))
        if out.returncode != 0:
            break
    if (home / VENV_REL / "bin/modelroute").exists():
        shutil.copytree(home / VENV_REL, s.venv_cache, symlinks=True)
    return s


@pytest.fixture
def home(install_session: Session) -> Path:
    assert install_session.venv_cache.exists(), "the quick-start install failed: see test_readme_quick_start"
    return install_session.reset()


def test_readme_quick_start_works_on_a_fresh_machine(install_session: Session) -> None:
    """A new HOME, no venv, no state: the README's install command builds, wires, and shows it working."""
    assert quick_start_commands() == ["./install.sh", "./test.sh"]
    ((cmd, out),) = install_session.quick_start
    assert out.returncode == 0, f"{cmd!r} failed:\n{out.stdout}\n{out.stderr}"
    assert "Traceback" not in out.stderr
    assert "installed modelroute into" in out.stdout
    at_work = out.stdout.split("modelroute at work:", 1)[1]
    assert "tier:       haiku" in at_work and "ok    hook run: UserPromptSubmit ran in" in at_work
    assert "modelroute is installed and working" in out.stdout


def test_install_wires_everything_and_keeps_the_users_content(home: Path) -> None:
    out = run_install(home)
    assert out.returncode == 0, out.stdout + out.stderr
    settings = json.loads((home / ".claude/settings.json").read_text())
    assert settings["theme"] == "dark" and settings["env"]["EDITOR"] == "vim"
    assert settings["permissions"] == {"allow": ["Bash(git status)"]}
    assert any(h["command"] == "notify-send done" for g in settings["hooks"]["Stop"] for h in g["hooks"])
    commands = [h["command"] for g in settings["hooks"]["PreToolUse"] for h in g["hooks"]]
    assert "~/bin/guard.sh" in commands and any("modelroute" in c for c in commands)
    assert "modelroute" in settings["statusLine"]["command"]
    assert (home / ".claude/agents/Explore.md").is_file()
    bashrc = (home / ".bashrc").read_text()
    assert bashrc.startswith(BASHRC) and "# >>> modelroute >>>" in bashrc
    assert (home / ".local/share/modelroute/init.bash").is_file()
    assert (home / ".codex/config.toml").read_text() == CODEX_CONFIG
    assert 'model = "gpt-5-nano"' in (home / ".codex/quick.config.toml").read_text()
    assert 'model_reasoning_effort = "high"' in (home / ".codex/deep.config.toml").read_text()
    assert (home / ".zshrc").read_text() == ZSHRC  # only the login shell is wired
    assert "Undo: route uninstall" in out.stdout and re.search(rf"MODIFIED +{home}/\.bashrc ", out.stdout)
    assert (home / ".local/bin/route").resolve() == (home / VENV_REL / "bin/route").resolve()


@pytest.mark.shell
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_real_login_and_interactive_shells_get_the_functions(home: Path, shell: str) -> None:
    exe = require_tool(shell)
    out = run_install(home, "--no-claude", env=base_env(home, shell=exe))
    assert out.returncode == 0, out.stdout + out.stderr
    env = base_env(home, shell=exe)
    probe = {
        "bash": "type -t codex-quick; type -t codex-deep; echo $MODELROUTE_SHELL_INIT",
        "zsh": "whence -w codex-quick | cut -d' ' -f2; whence -w codex-deep | cut -d' ' -f2; echo $MODELROUTE_SHELL_INIT",
        "fish": "functions -q codex-quick; and echo function; functions -q codex-deep; and echo function; echo $MODELROUTE_SHELL_INIT",
    }[shell]
    for flags in (["-i"], ["-l", "-i"], ["-l"] if shell != "zsh" else ["-i", "-l"]):
        if shell == "bash" and flags == ["-l"]:
            flags = ["-l", "-i"]  # .bashrc returns early for non-interactive shells, by design
        res = subprocess.run([exe, *flags, "-c", probe], env=env, cwd=str(home), stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=60)
        assert res.stdout.split() == ["function", "function", shell], (flags, res.stdout, res.stderr)


def test_a_new_shell_finds_route_though_local_bin_was_not_on_path(home: Path) -> None:
    """A fresh account's PATH lacks ~/.local/bin (and /usr/sbin may hold net-tools' route)."""
    env = base_env(home, path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    out = run_install(home, "--no-claude", env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"puts {home}/.local/bin on PATH in new shells" in out.stdout
    res = subprocess.run(["bash", "-i", "-c", "type -P route"], env=env, cwd=str(home), stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=60)
    assert res.stdout.strip() == f"{home}/.local/bin/route", res.stderr


def test_second_run_is_a_no_op(home: Path) -> None:
    first = run_install(home)
    assert first.returncode == 0, first.stdout + first.stderr
    before = snapshot(home, skip_cache=True)
    time.sleep(0.05)
    second = run_install(home)
    assert second.returncode == 0, second.stdout + second.stderr
    assert snapshot(home, skip_cache=True) == before  # same bytes, and nothing rewritten (same mtimes)
    for part in ("Claude Code", "shell (bash)", "Codex"):
        assert f"{part}: already installed" in second.stdout, second.stdout
    assert "up to date" in second.stdout


def test_dry_run_writes_nothing_and_shows_diffs(home: Path) -> None:
    before = snapshot(home, skip_venv=False)
    out = run_install(home, "--dry-run")
    assert out.returncode == 0, out.stdout + out.stderr
    assert snapshot(home, skip_venv=False) == before
    assert "+# >>> modelroute >>>" in out.stdout and "--- " in out.stdout and "+++ " in out.stdout
    assert "dry run: nothing was written" in out.stdout


def test_dry_run_before_any_install_shows_the_real_diffs_and_writes_nothing(install_session: Session) -> None:
    """The person who most needs the preview has nothing installed yet."""
    home = install_session.reset(with_venv=False)
    before = snapshot(home, skip_venv=False)
    out = run_install(home, "--dry-run")
    assert out.returncode == 0, out.stdout + out.stderr
    assert snapshot(home, skip_venv=False) == before
    assert "would install modelroute" in out.stdout
    assert "+# >>> modelroute >>>" in out.stdout and f"--- {home}/.claude/settings.json" in out.stdout
    # The hook commands as the real install will write them, not the temp build's paths.
    assert f"{home}/{VENV_REL}/bin/python" in out.stdout and "modelroute-dry-run" not in out.stdout.split("...", 1)[1]
    assert "dry run: nothing was written" in out.stdout


def dirs(home: Path) -> set[str]:
    return {str(Path(d).relative_to(home)) for d, _, _ in os.walk(home)}


def test_uninstall_restores_every_byte(home: Path) -> None:
    os.chmod(home / ".bashrc", 0o600)
    originals = snapshot(home)
    dirs_before = dirs(home)
    assert run_install(home).returncode == 0
    out = run_install(home, "--uninstall", "--purge")
    assert out.returncode == 0, out.stdout + out.stderr
    after = snapshot(home)
    for rel, (data, _) in originals.items():
        assert after[rel][0] == data, f"{rel} not restored"
    assert set(after) == set(originals), set(after) ^ set(originals)  # no backups, agents, profiles left
    assert os.stat(home / ".bashrc").st_mode & 0o777 == 0o600
    assert not (home / VENV_REL).exists() and not (home / ".local/bin/route").exists()
    assert not (home / ".local/state/modelroute").exists()
    assert dirs(home) <= dirs_before, dirs(home) - dirs_before  # no empty ~/.local/bin, state or cache dir


def test_uninstall_keeps_what_the_user_added_since(home: Path) -> None:
    assert run_install(home).returncode == 0
    with open(home / ".bashrc", "a") as f:
        f.write("export LATER=1\n")
    assert run_install(home, "--uninstall").returncode == 0
    assert (home / ".bashrc").read_text() == BASHRC + "export LATER=1\n"


def test_broken_settings_json_is_refused_and_left_as_is(home: Path) -> None:
    broken = '{\n  "theme": "dark",\n  "hooks": {,}\n}\n'
    (home / ".claude/settings.json").write_text(broken)
    out = run_install(home)
    assert out.returncode != 0
    text = out.stdout + out.stderr
    assert "settings.json" in text and "line 3" in text and "Traceback" not in text
    assert (home / ".claude/settings.json").read_text() == broken
    assert "# >>> modelroute >>>" in (home / ".bashrc").read_text()  # the other parts still went ahead


def test_symlinked_rc_is_refused_unless_asked(home: Path) -> None:
    dotfiles = home / "dotfiles"
    dotfiles.mkdir()
    (home / ".bashrc").rename(dotfiles / "bashrc")
    (home / ".bashrc").symlink_to(dotfiles / "bashrc")
    out = run_install(home)
    assert out.returncode != 0
    assert "symlink" in out.stdout and "--follow-symlinks" in out.stdout and "Traceback" not in out.stderr
    assert (dotfiles / "bashrc").read_text() == BASHRC and (home / ".bashrc").is_symlink()
    out = run_install(home, "--follow-symlinks")
    assert out.returncode == 0, out.stdout + out.stderr
    assert (home / ".bashrc").is_symlink() and "# >>> modelroute >>>" in (dotfiles / "bashrc").read_text()
    assert run_install(home, "--uninstall").returncode == 0
    assert (dotfiles / "bashrc").read_text() == BASHRC and (home / ".bashrc").is_symlink()


def test_read_only_rc_file_is_reported_and_untouched(home: Path) -> None:
    zsh_env = base_env(home, shell="/usr/bin/zsh")
    os.chmod(home / ".zshrc", 0o444)
    out = run_install(home, env=zsh_env)
    assert out.returncode != 0
    assert ".zshrc" in out.stdout and "read-only" in out.stdout and "Traceback" not in out.stderr
    assert (home / ".zshrc").read_text() == ZSHRC


def test_missing_home_dir_is_a_clear_error(tmp_path: Path) -> None:
    gone = tmp_path / "no-such-home"
    out = subprocess.run(["bash", str(INSTALL_SH)], env=base_env(gone), cwd=str(tmp_path), stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert "does not exist" in out.stderr and str(gone) in out.stderr
    assert not gone.exists()


def test_read_only_home_is_a_clear_error(install_session: Session) -> None:
    home = install_session.reset(with_venv=False)
    before = snapshot(home)
    os.chmod(home, 0o555)
    try:
        out = run_install(home)
    finally:
        os.chmod(home, 0o755)
    assert out.returncode == 1
    assert "read-only" in out.stderr and "Traceback" not in out.stderr
    assert snapshot(home) == before


def test_no_python3_on_path_is_a_clear_error(install_session: Session, tmp_path: Path) -> None:
    home = install_session.reset(with_venv=False)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "sed", "cat", "readlink", "ls", "id", "mkdir", "rm", "ln", "rmdir", "grep"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    before = snapshot(home)
    out = subprocess.run([str(bin_dir / "bash"), str(INSTALL_SH)], env=base_env(home, path=str(bin_dir)),
                         cwd=str(home), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert "python3 not found on PATH" in out.stderr
    assert snapshot(home) == before


def _valid_states(home: Path) -> None:
    """Each user file is whole: the original, or the original plus exactly our additions."""
    settings = (home / ".claude/settings.json").read_text()
    doc = json.loads(settings)  # never half-written
    assert doc["theme"] == "dark" and doc["env"] == {"EDITOR": "vim"}
    bashrc = (home / ".bashrc").read_text()
    assert bashrc == BASHRC or (bashrc.startswith(BASHRC + "\n# >>> modelroute >>>") and bashrc.endswith("# <<< modelroute <<<\n"))
    assert (home / ".codex/config.toml").read_text() == CODEX_CONFIG


@pytest.mark.parametrize("delay", [0.1, 0.3, 0.6])
def test_a_run_killed_in_the_middle_loses_nothing(install_session: Session, delay: float) -> None:
    home = install_session.reset()
    originals = snapshot(home)
    proc = subprocess.Popen(["bash", str(INSTALL_SH)], env=base_env(home), cwd=str(home), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(delay)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    _valid_states(home)
    out = run_install(home)  # finishing the job works
    assert out.returncode == 0, out.stdout + out.stderr
    _valid_states(home)
    assert run_install(home, "--uninstall").returncode == 0
    after = snapshot(home)
    for rel, (data, _) in originals.items():
        assert after[rel][0] == data, f"{rel} not restored"


@pytest.mark.e2e
def test_end_to_end_installed_claude_code_routes_a_lookup_subagent_to_haiku(home: Path) -> None:
    """./install.sh --yes on a clean HOME, then the real Claude Code on the settings it wrote."""
    from support.fake_anthropic import FakeAnthropic, agent_call
    from support.tools import npm_tool

    from routing.core.tiers import tier_of_model

    claude = npm_tool("claude", "claude")
    out = run_install(home, "--yes")
    assert out.returncode == 0, out.stdout + out.stderr
    project = home / "proj"
    project.mkdir()
    (project / "config.py").write_text("def parse_config(path):\n    return {}\n")
    task = "Find where parse_config is defined in this repository and report the file and line."
    env = dict(base_env(home), ANTHROPIC_API_KEY="dummy", DISABLE_TELEMETRY="1", DISABLE_AUTOUPDATER="1",
               DISABLE_ERROR_REPORTING="1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1")
    with FakeAnthropic() as api:
        api.script.append(("DELEGATE_LOOKUP", [agent_call("Locate parse_config", task)]))
        env["ANTHROPIC_BASE_URL"] = api.url
        res = subprocess.run([claude, "-p", "Please DELEGATE_LOOKUP to a subagent.", "--output-format", "json"],
                             env=env, cwd=str(project), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=180)
        assert res.returncode == 0, res.stdout + res.stderr
        session_id = json.loads(res.stdout)["session_id"]
        models = {str(b.get("model")) for b in api.subagent_requests(task)}
    assert models and {tier_of_model(m) for m in models} == {"haiku"}, models
    status = subprocess.run([str(home / ".local/bin/route"), "status", "--json"], env=base_env(home),
                            cwd=str(project), capture_output=True, text=True, timeout=60)
    assert status.returncode == 0, status.stdout + status.stderr
    assert session_id in status.stdout


def test_uninstall_that_cannot_unwire_keeps_the_package(home: Path) -> None:
    assert run_install(home).returncode == 0
    settings = home / ".claude/settings.json"
    broken = settings.read_text().replace("{", "{,", 1)
    settings.write_text(broken)
    out = run_install(home, "--uninstall")
    assert out.returncode == 1
    assert "settings.json" in out.stdout + out.stderr and "package was kept" in out.stderr
    assert (home / VENV_REL / "bin/modelroute").exists() and settings.read_text() == broken
    assert "# >>> modelroute >>>" not in (home / ".bashrc").read_text()  # what could be undone was
