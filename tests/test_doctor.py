"""`route doctor`: each check catches the breakage it is for, and says how to fix it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.tools import fake_claude_on_path

from routing import doctor
from routing.claude import checks as claude_checks
from routing.shell import checks as shell_checks
from routing.state import checks as state_checks


def _hook_script(home: Path, body: str) -> Path:
    d = home / "venv" / "modelroute" / "_hooks"
    d.mkdir(parents=True, exist_ok=True)
    script = d / "user_prompt_submit.py"
    script.write_text(body)
    return script


def _settings(home: Path, cmd: str, **extra) -> Path:
    from routing.claude.merge import HOOKS

    entries = {event: [{**({"matcher": m} if m else {}), "hooks": [{"type": "command", "command": cmd}]}]
               for event, (m, _, _) in HOOKS.items()}
    entries["Stop"] = [{"hooks": [{"type": "command", "command": "echo theirs"}]}]
    data = {"hooks": entries, "statusLine": {"type": "command", "command": cmd}, **extra}
    path = home / ".claude/settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


@pytest.fixture(autouse=True)
def newest_claude(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A `claude --version` of 2.1.332 on PATH: every hook event is expected."""
    fake_claude_on_path(tmp_path / "bin", "2.1.332", monkeypatch)


def _run_doctor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "routing", "doctor", *args], capture_output=True, text=True)


def _by_name(checks):
    return {c.name: c for c in checks}


def test_working_hooks_pass_and_report_milliseconds(isolated_home: Path) -> None:
    script = _hook_script(isolated_home, "import sys, json; json.load(sys.stdin)\n")
    _settings(isolated_home, f"{sys.executable} {script}")
    checks = _by_name(doctor.run_all())
    assert checks["claude hooks"].status == "ok"
    assert checks["hook run"].status == "ok" and " ms" in checks["hook run"].detail


def test_hook_pointing_at_a_missing_interpreter_fails_with_the_fix(isolated_home: Path) -> None:
    script = _hook_script(isolated_home, "pass\n")
    _settings(isolated_home, f"/gone/venv/bin/python {script}")
    out = _run_doctor()
    assert out.returncode == 1
    line = next(l for l in out.stdout.splitlines() if "claude hooks" in l)
    assert line.startswith("fail") and "/gone/venv/bin/python" in line and "route install --claude" in line


def test_a_failing_hook_fails_and_doctor_leaves_the_state_alone(isolated_home: Path) -> None:
    script = _hook_script(isolated_home, "import os, sys\nopen(os.environ['XDG_STATE_HOME'] + '/x', 'w')\nsys.exit(3)\n")
    _settings(isolated_home, f"{sys.executable} {script}")
    check = claude_checks.check_hook_runs(claude_checks._Settings())
    assert check.status == "fail" and "exited 3" in check.detail
    assert not (isolated_home / ".local/state/x").exists()


def test_broken_settings_json_fails_naming_the_file(isolated_home: Path) -> None:
    p = isolated_home / ".claude/settings.json"
    p.parent.mkdir()
    p.write_text('{"hooks": {,}')
    check = claude_checks.check_hooks(claude_checks._Settings())
    assert check.status == "fail" and str(p) in check.detail and "line 1" in check.detail


def test_subagent_env_conflicts_with_smart_mode(isolated_home: Path) -> None:
    script = _hook_script(isolated_home, "pass\n")
    _settings(isolated_home, f"{sys.executable} {script}", env={"CLAUDE_CODE_SUBAGENT_MODEL": "haiku"})
    check = claude_checks.check_subagent_env(claude_checks._Settings())
    assert check.status == "warn" and "per-task routing is off" in check.detail and "--subagents haiku" in check.fix


@pytest.mark.parametrize("version, says", [((2, 1, 197), "beats a model the Agent call names"),
                                           ((2, 1, 332), "unless CLAUDE_CODE_SUBAGENT_MODEL_FORCE=1"),
                                           (None, "up to Claude Code 2.1.197")])
def test_what_doctor_says_about_the_subagent_variable_follows_the_claude_code_version(
        isolated_home: Path, version, says: str) -> None:
    script = _hook_script(isolated_home, "pass\n")
    _settings(isolated_home, f"{sys.executable} {script}", env={"CLAUDE_CODE_SUBAGENT_MODEL": "sonnet"})
    assert says in claude_checks.check_subagent_env(claude_checks._Settings(), version).detail


def test_a_simple_install_without_force_is_flagged_on_a_newer_claude_code(isolated_home: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "routing", "install", "--claude", "--subagents", "haiku"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    settings = isolated_home / ".claude/settings.json"
    assert claude_checks.check_subagent_env(claude_checks._Settings(), (2, 1, 332)).status == "ok"
    doc = json.loads(settings.read_text())
    del doc["env"]["CLAUDE_CODE_SUBAGENT_MODEL_FORCE"]
    settings.write_text(json.dumps(doc))
    assert claude_checks.check_subagent_env(claude_checks._Settings(), (2, 1, 197)).status == "ok"
    check = claude_checks.check_subagent_env(claude_checks._Settings(), (2, 1, 332))
    assert check.status == "warn" and "--subagents haiku" in check.fix


def test_model_left_by_slash_model_is_reported(isolated_home: Path) -> None:
    script = _hook_script(isolated_home, "pass\n")
    _settings(isolated_home, f"{sys.executable} {script}", model="opus")
    check = claude_checks.check_default_model(claude_checks._Settings())
    assert check.status == "warn" and "'opus'" in check.detail and "/model sonnet" in check.fix
    _settings(isolated_home, f"{sys.executable} {script}", model="claude-sonnet-5")
    assert claude_checks.check_default_model(claude_checks._Settings()).status == "ok"


def test_state_dir_open_to_others_is_a_warning_with_chmod(isolated_home: Path) -> None:
    d = isolated_home / ".local/state/modelroute"
    d.mkdir(parents=True)
    os.chmod(d, 0o755)
    check = state_checks.check_state()
    assert check.status == "warn" and f"chmod 700 {d}" in check.fix
    os.chmod(d, 0o700)
    assert state_checks.check_state().status == "ok"


def test_held_state_lock_fails(isolated_home: Path) -> None:

    d = isolated_home / ".local/state/modelroute"
    d.mkdir(parents=True, mode=0o700)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import filelock, sys, time; l = filelock.FileLock(sys.argv[1]); l.acquire(); print('held', flush=True); time.sleep(30)",
         str(d / "state.lock")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        check = state_checks.check_state()
        assert check.status == "fail" and "held by another process" in check.detail
    finally:
        holder.kill()
        holder.wait()


def test_invalid_config_fails_the_run_with_file_and_line(isolated_home: Path) -> None:
    cfg = isolated_home / ".config/modelroute/config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('[claude]\nmode = "sometimes"\n')
    out = _run_doctor("--json")
    assert out.returncode == 1
    checks = {c["name"]: c for c in json.loads(out.stdout)}
    assert checks["config"]["status"] == "fail"
    assert "line 2" in checks["config"]["detail"] and str(cfg) in checks["config"]["fix"]


def test_route_shadowed_by_net_tools_is_reported(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = isolated_home / "sbin"
    fake.mkdir()
    (fake / "route").write_text("#!/bin/sh\necho Kernel IP routing table\n")
    (fake / "route").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:/usr/bin:/bin")
    check = doctor.check_route_on_path()
    assert check.status == "warn" and "shadows modelroute" in check.detail and "modelroute" in check.fix
    ours = isolated_home / "bin"
    ours.mkdir()
    (ours / "route").write_text(f"#!{sys.executable}\nfrom routing.cli import main\nmain()\n")
    (ours / "route").chmod(0o755)
    monkeypatch.setenv("PATH", f"{ours}:{fake}:/usr/bin:/bin")
    check = doctor.check_route_on_path()
    assert check.status == "ok" and "is modelroute" in check.detail


def test_right_after_install_a_shadowed_route_says_a_new_shell_fixes_it(
        isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh account: /usr/sbin/route (net-tools) on PATH, ~/.local/bin not yet; the shell set-up adds it."""
    from routing.shell import setup as shell_setup

    fake = isolated_home / "sbin"
    fake.mkdir()
    (fake / "route").write_text("#!/bin/sh\necho Kernel IP routing table\n")
    (fake / "route").chmod(0o755)
    local_bin = isolated_home / ".local/bin"
    local_bin.mkdir(parents=True)
    (local_bin / "route").write_text(f"#!{sys.executable}\nfrom routing.cli import main\nmain()\n")
    (local_bin / "route").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:/usr/bin:/bin")
    assert "put" in doctor.check_route_on_path().fix  # not wired yet: the fix is PATH by hand
    for e in shell_setup.plan_install("bash", platform="linux").edits:
        e.apply()
    check = doctor.check_route_on_path()
    assert check.status == "warn" and check.fix.startswith("open a new shell"), check.line()


def test_shell_init_loaded_is_seen_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELROUTE_SHELL_INIT", "zsh")
    assert shell_checks.check_shell_init().status == "ok"
    monkeypatch.delenv("MODELROUTE_SHELL_INIT")
    monkeypatch.setenv("SHELL", "/bin/zsh")
    monkeypatch.setattr("routing.shell.detect._ancestors", lambda: [])
    check = shell_checks.check_shell_init()
    assert check.status == "warn" and "not installed for zsh" in check.detail


def test_tool_versions_are_listed(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    b = isolated_home / "bin"
    b.mkdir()
    (b / "codex").write_text("#!/bin/sh\necho codex-cli 0.169.0\n")
    (b / "codex").chmod(0o755)
    monkeypatch.setenv("PATH", f"{b}:/usr/bin:/bin")
    check = doctor.check_tools()
    assert "codex codex-cli 0.169.0" in check.detail and "cursor-agent: not found" in check.detail


def test_every_check_has_a_line_even_on_an_empty_home() -> None:
    out = _run_doctor()
    names = [l.split(":")[0].split(None, 1)[1] for l in out.stdout.splitlines()]
    assert names == ["claude hooks", "hook run", "subagent model", "default model", "shell init",
                     "state file", "report prices", "config", "tools", "route on PATH"]
    assert out.returncode == 0, out.stdout


def test_stale_rendered_init_is_reported(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from routing.shell import setup as shell_setup

    monkeypatch.setenv("MODELROUTE_SHELL_INIT", "bash")
    for e in shell_setup.plan_install("bash", platform="linux").edits:
        e.apply()
    check = shell_checks.check_shell_init()
    assert check.status == "ok" and "up to date" in check.detail, check.line()
    cfg = isolated_home / ".config/modelroute/config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('[models.codex]\nhaiku = "gpt-newer-nano"\n')
    check = shell_checks.check_shell_init()
    assert check.status == "warn" and "out of date" in check.detail
    assert check.fix == "route install --shell --login-shell bash"


def test_doctor_passes_right_after_a_real_install(isolated_home: Path) -> None:
    """The installed hooks (which record from a detached process) run clean under doctor."""
    out = subprocess.run([sys.executable, "-m", "routing", "install", "--claude"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    checks = _by_name(doctor.run_all())
    assert checks["hook run"].status == "ok", checks["hook run"].line()
    assert checks["claude hooks"].status == "ok", checks["claude hooks"].line()
    assert not (isolated_home / ".local/state/modelroute/sessions").exists()  # the user's state is untouched
    assert claude_checks.check_hook_runs(claude_checks._Settings()).status == "ok"  # and again, over the last run's leftovers


def test_a_crashing_check_is_one_failed_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom() -> state_checks.Check:
        raise OSError(39, "Directory not empty")

    monkeypatch.setattr(state_checks, "check_state", boom)
    checks = _by_name(doctor.run_all())
    assert checks["state file"].status == "fail" and "Directory not empty" in checks["state file"].detail
    assert len(checks) == 10


def test_simple_mode_chosen_at_install_is_not_a_conflict(isolated_home: Path) -> None:
    def install(mode: str) -> None:
        out = subprocess.run([sys.executable, "-m", "routing", "install", "--claude", "--mode", mode],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr

    install("simple")
    check = claude_checks.check_subagent_env(claude_checks._Settings())
    assert check.status == "ok" and "--subagents haiku" in check.detail, check.line()
    install("smart")
    settings = isolated_home / ".claude/settings.json"
    doc = json.loads(settings.read_text())
    doc.setdefault("env", {})["CLAUDE_CODE_SUBAGENT_MODEL"] = "haiku"  # set by hand after a smart install
    settings.write_text(json.dumps(doc))
    assert claude_checks.check_subagent_env(claude_checks._Settings()).status == "warn"


def test_the_users_own_status_line_is_fine(isolated_home: Path) -> None:
    script = _hook_script(isolated_home, "pass\n")
    path = _settings(isolated_home, f"{sys.executable} {script}")
    doc = json.loads(path.read_text())
    doc["statusLine"] = {"type": "command", "command": "~/bin/my-status"}
    path.write_text(json.dumps(doc))
    check = claude_checks.check_hooks(claude_checks._Settings())
    assert check.status == "ok" and "your own statusLine" in check.detail
    del doc["statusLine"]
    path.write_text(json.dumps(doc))
    assert claude_checks.check_hooks(claude_checks._Settings()).status == "warn"


def test_hooks_for_events_the_installed_claude_code_lacks_are_flagged(isolated_home: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    script = _hook_script(isolated_home, "pass\n")
    _settings(isolated_home, f"{sys.executable} {script}")  # every event, as on 2.1.332
    assert claude_checks.check_hooks(claude_checks._Settings()).status == "ok"
    fake_claude_on_path(tmp_path / "old", "2.1.197", monkeypatch)
    check = claude_checks.check_hooks(claude_checks._Settings())
    assert check.status == "warn" and "warns at every start" in check.detail
