"""`route doctor`: check the whole set-up, one verdict per check, each with its fix.

Every check is a function returning a Check and never raises: a doctor that
crashes on the broken set-up it is meant to diagnose is no use. The checks
read; the only thing they run is the installed hook (against a throwaway
state dir, so the user's counts are untouched) and `--version` of the tools.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Optional

from routing.core import paths

OK, WARN, FAIL = "ok", "warn", "fail"
HOOK_EVENTS = ("UserPromptSubmit", "PreToolUse", "SessionStart", "SessionEnd")
SLOW_HOOK_MS = 400


class Check:
    __slots__ = ("name", "status", "detail", "fix")

    def __init__(self, name: str, status: str, detail: str, fix: str = "") -> None:
        self.name, self.status, self.detail, self.fix = name, status, detail, fix

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "detail": self.detail, "fix": self.fix}

    def line(self) -> str:
        text = f"{self.status:<4}  {self.name}: {self.detail}"
        return text + (f"  -> fix: {self.fix}" if self.fix and self.status != OK else "")


# -- Claude Code settings -------------------------------------------------------


def claude_present() -> bool:
    from routing.claude.settings import claude_dir

    return shutil.which("claude") is not None or claude_dir().is_dir()


class _Settings:
    """The user settings.json as parsed, or why it could not be."""

    def __init__(self) -> None:
        from routing.claude.settings import claude_dir

        self.path = claude_dir() / "settings.json"
        self.data: Optional[dict[str, Any]] = None
        self.error = ""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as e:
            self.error = f"cannot read {self.path}: {e}"
            return
        try:
            data = json.loads(text) if text.strip() else {}
        except ValueError as e:
            self.error = f"{self.path} is not valid JSON ({e})"
            return
        if not isinstance(data, dict):
            self.error = f"{self.path} does not hold a JSON object"
            return
        self.data = data

    def our_commands(self) -> dict[str, list[str]]:
        """Event name (and 'statusLine') -> our command strings."""
        from routing.claude.settings import is_ours

        found: dict[str, list[str]] = {}
        hooks = (self.data or {}).get("hooks")
        if isinstance(hooks, dict):
            for event, groups in hooks.items():
                for group in groups if isinstance(groups, list) else []:
                    for h in (group.get("hooks") if isinstance(group, dict) else None) or []:
                        cmd = h.get("command") if isinstance(h, dict) else None
                        if is_ours(cmd):
                            found.setdefault(event, []).append(cmd)
        sl = (self.data or {}).get("statusLine")
        if isinstance(sl, dict) and is_ours(sl.get("command")):
            found["statusLine"] = [sl["command"]]
        return found

    def env(self) -> dict[str, Any]:
        env = (self.data or {}).get("env")
        return env if isinstance(env, dict) else {}


def _missing_paths(command: str) -> list[str]:
    try:
        argv = shlex.split(command)
    except ValueError:
        return [command]
    missing = []
    for i, arg in enumerate(argv):
        if os.path.isabs(arg):
            if not os.path.exists(arg) or (i == 0 and not os.access(arg, os.X_OK)):
                missing.append(arg)
    return missing


def check_hooks(s: _Settings) -> Check:
    name = "claude hooks"
    if s.error:
        return Check(name, FAIL, s.error, f"fix the JSON in {s.path} (route install refuses to edit it until then)")
    ours = s.our_commands()
    if not ours:
        if claude_present():
            return Check(name, WARN, f"not installed in {s.path}", "route install --claude")
        return Check(name, OK, "Claude Code not found; nothing to check")
    broken = sorted({p for cmds in ours.values() for c in cmds for p in _missing_paths(c)})
    if broken:
        return Check(
            name, FAIL, f"hooks point at missing files: {', '.join(broken)}",
            "route install --claude (re-points the hooks at this install)",
        )
    missing = [e for e in HOOK_EVENTS if e not in ours]
    if missing:
        return Check(name, WARN, f"installed, but not for {', '.join(missing)}", "route install --claude")
    interp = shlex.split(ours["UserPromptSubmit"][0])[0]
    extra = ""
    if "statusLine" not in ours:
        # install keeps a statusLine of the user's; only a missing one is worth a warning
        if (s.data or {}).get("statusLine"):
            extra = " (your own statusLine kept)"
        else:
            return Check(name, WARN, "hooks installed, but no statusLine", "route install --claude")
    return Check(name, OK, f"{len(ours)} entries in {s.path}, run by {interp}{extra}")


def check_hook_runs(s: _Settings) -> Check:
    name = "hook run"
    cmds = s.our_commands().get("UserPromptSubmit")
    if not cmds:
        return Check(name, OK, "no UserPromptSubmit hook installed; nothing to run")
    if _missing_paths(cmds[0]):
        return Check(name, FAIL, "the hook's files are missing (see claude hooks)", "route install --claude")
    payload = json.dumps({
        "session_id": "modelroute-doctor", "transcript_path": "", "cwd": os.getcwd(),
        "permission_mode": "default", "hook_event_name": "UserPromptSubmit", "prompt_id": "doctor",
        "prompt": "find where parse_config is defined",
    })
    # A throwaway state in our cache dir: the user's counts stay as they are. The
    # hook records from a detached process that may outlive this run, so the dir
    # is cleared at the start of the next doctor, not raced at the end of this one.
    tmp = paths.cache_dir() / "doctor-state"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        return Check(name, WARN, f"cannot create {tmp} to run the hook in: {e.strerror or e}", f"chmod u+w {tmp.parent}")
    env = dict(os.environ, XDG_STATE_HOME=str(tmp))
    times = []
    for _ in range(2):  # the first run pays for a cold disk cache; report the better one
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(cmds[0], shell=True, input=payload, env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        except subprocess.TimeoutExpired:
            return Check(name, FAIL, "the hook did not finish within 30 s", "route install --claude; then route doctor again")
        times.append((time.perf_counter() - t0) * 1000)
        if proc.returncode != 0:
            why = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            return Check(name, FAIL, f"the hook exited {proc.returncode}: {why}",
                         f"see {paths.state_dir() / 'errors.log'}; route install --claude")
    ms = min(times)
    if ms > SLOW_HOOK_MS:
        return Check(name, WARN, f"the hook takes {ms:.0f} ms, added before every prompt",
                     "point the hooks at a real interpreter, not a pyenv/asdf shim: reinstall with ./install.sh")
    return Check(name, OK, f"UserPromptSubmit ran in {ms:.0f} ms")


def _installed_mode(settings: Path) -> str:
    """The --mode route install last used for this settings file ('' if unknown)."""
    try:
        from routing.edits import record as install_record

        entry = install_record.get(settings) or {}
    except Exception:
        return ""
    return str(entry.get("mode") or "")


def check_subagent_env(s: _Settings) -> Check:
    name = "subagent model"
    from_settings = s.env().get("CLAUDE_CODE_SUBAGENT_MODEL")
    value = os.environ.get("CLAUDE_CODE_SUBAGENT_MODEL") or from_settings
    smart = "PreToolUse" in s.our_commands()
    if not value:
        return Check(name, OK, "per-task routing" if smart else "CLAUDE_CODE_SUBAGENT_MODEL not set")
    where = f"the env block of {s.path}" if from_settings else "your environment"
    if smart and _installed_mode(s.path) == "simple" and from_settings == value:
        return Check(name, OK, f"simple mode: every subagent runs on {value} (per-task routing off by choice)")
    if smart:
        return Check(
            name, WARN, f"CLAUDE_CODE_SUBAGENT_MODEL={value} (from {where}) overrides per-task subagent routing",
            f"remove it from {where}, or keep it and run `route install --mode simple`",
        )
    return Check(name, OK, f"simple mode: every subagent runs on {value}")


def check_default_model(s: _Settings) -> Check:
    name = "default model"
    from routing.core.tiers import tier_of_model

    saved = (s.data or {}).get("model")
    if not isinstance(saved, str) or not saved:
        return Check(name, OK, "no model saved in settings.json")
    try:
        from routing.core.config import load

        default = str(load(strict=False).get("claude", "default_model"))
    except Exception:
        default = "sonnet"
    if tier_of_model(saved) == tier_of_model(default) or saved == default:
        return Check(name, OK, f"settings.json starts sessions on {saved}")
    return Check(
        name, WARN, f"settings.json saves {saved!r} as the default model (left by /model?); new sessions start there",
        f"in Claude Code run `/model {default}`, or set \"model\": \"{default}\" in {s.path}",
    )


def check_shell_init() -> Check:
    name = "shell init"
    from routing.shell import detect as login_shell
    from routing.shell import setup as shell_setup

    loaded = os.environ.get(shell_setup.LOADED_VAR)
    shell = loaded if loaded in login_shell.SUPPORTED else login_shell.detect()
    if shell is None:
        if os.environ.get("ROUTE_SHELL_SESSION"):
            return Check(name, OK, "loaded in this shell (by hand: eval \"$(route init ...)\")")
        return Check(name, WARN, "not loaded, and the shell is not bash, zsh or fish",
                     "eval \"$(route init bash)\" in your rc file, adapted to your shell")
    installed = shell_setup.fish_conf_file() if shell == "fish" else shell_setup.init_file(shell)
    stale = _stale_init(shell, installed)
    if stale:
        return Check(name, WARN, stale, f"route install --shell --login-shell {shell}")
    if loaded:
        return Check(name, OK, f"loaded in this shell ({loaded}), up to date")
    if os.environ.get("ROUTE_SHELL_SESSION"):
        return Check(name, OK, "loaded in this shell (by hand: eval \"$(route init ...)\")")
    if installed.exists():
        how = "exec fish" if shell == "fish" else f"exec {shell}"
        return Check(name, WARN, f"installed for {shell} but not loaded in this shell", f"open a new terminal, or run `{how}`")
    return Check(name, WARN, f"not installed for {shell}", "route install --shell")


def _stale_init(shell: str, installed: Path) -> str:
    """Why the rendered init no longer matches what `route init` prints now, or ''."""
    from routing.shell import setup as shell_setup

    try:
        current = installed.read_text(encoding="utf-8")
    except OSError:
        return ""
    try:
        fresh = shell_setup.generated_text(shell, shell_setup.render_init(shell))
    except (RuntimeError, OSError, subprocess.SubprocessError):
        return ""
    if current == fresh:
        return ""
    return f"{installed} is out of date (config or modelroute changed since it was rendered)"


def check_state() -> Check:
    name = "state file"
    d = paths.state_dir()
    f = d / "state.json"
    if not d.exists():
        return Check(name, OK, f"no state yet ({d} appears with the first routed prompt)")
    problems = []
    fixes = []
    try:
        if stat.S_IMODE(d.stat().st_mode) & 0o077:
            problems.append(f"{d} is readable by others")
            fixes.append(f"chmod 700 {d}")
        if f.exists():
            if stat.S_IMODE(f.stat().st_mode) & 0o077:
                problems.append(f"{f} is readable by others")
                fixes.append(f"chmod 600 {f}")
            json.loads(f.read_text(encoding="utf-8"))
    except ValueError:
        return Check(name, WARN, f"{f} is not valid JSON", "nothing to do: the next write moves it aside and starts afresh")
    except OSError as e:
        return Check(name, FAIL, f"cannot read {f}: {e.strerror or e}", f"chmod 600 {f}; chown it to yourself")
    try:
        import filelock

        with filelock.FileLock(str(d / "state.json.lock"), timeout=1.0):
            pass
    except filelock.Timeout:
        return Check(name, FAIL, f"{d / 'state.json.lock'} is held by another process for over 1 s",
                     "find it with `fuser` or `lsof` on the lock file and end it")
    except OSError as e:
        return Check(name, FAIL, f"cannot lock {d / 'state.json.lock'}: {e.strerror or e}", f"chmod 700 {d}")
    if problems:
        return Check(name, WARN, "; ".join(problems), "; ".join(fixes))
    return Check(name, OK, f"{f if f.exists() else d} readable, lockable, private")


def check_config() -> Check:
    name = "config"
    from routing.core.config import ConfigError, load

    try:
        conf = load(strict=True)
        from routing.router.rules import compile_rules

        compile_rules(conf.rule_layers())
    except ConfigError as e:
        return Check(name, FAIL, str(e), f"edit {e.path}" + (f" at line {e.line}" if e.line else "") + ", then `route config check`")
    except (ValueError, KeyError, TypeError) as e:
        return Check(name, FAIL, f"custom rules do not compile: {e}", "route config check")
    files = [str(p) for p, _ in conf.layers]
    return Check(name, OK, f"valid ({', '.join(files) if files else 'built-in defaults'})")


def tool_version(program: str) -> Optional[str]:
    """First line of `program --version`, None if not on PATH; '' if it would not say."""
    exe = shutil.which(program)
    if exe is None:
        return None
    try:
        proc = subprocess.run([exe, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, text=True, timeout=15)
    except (OSError, subprocess.SubprocessError):
        return ""
    lines = proc.stdout.strip().splitlines()
    return lines[0].strip() if proc.returncode == 0 and lines else ""


def check_tools() -> Check:
    name = "tools"
    found, broken = [], []
    for program in ("claude", "codex", "cursor-agent"):
        v = tool_version(program)
        if v is None:
            found.append(f"{program}: not found")
        elif v == "":
            broken.append(program)
            found.append(f"{program}: --version failed")
        else:
            found.append(f"{program} {v}")
    if broken:
        return Check(name, WARN, "; ".join(found), f"reinstall {', '.join(broken)}")
    return Check(name, OK, "; ".join(found))


def check_route_on_path() -> Check:
    name = "route on PATH"
    from routing.core import nettools as passthrough

    exe = shutil.which("route")
    net_tools = passthrough.system_route()
    if exe is None:
        alt = shutil.which("modelroute")
        fix = f"add {Path(alt).parent if alt else paths.home() / '.local/bin'} to PATH"
        return Check(name, WARN, "`route` is not on PATH" + (f" (modelroute is: {alt})" if alt else ""), fix)
    if passthrough._is_ours(os.path.realpath(exe)):
        extra = f"; net-tools arguments (route -n) go on to {net_tools}" if net_tools else ""
        return Check(name, OK, f"{exe} is modelroute{extra}")
    return Check(
        name, WARN, f"`route` runs {exe} (net-tools), which shadows modelroute",
        f"use `modelroute` instead, or put {Path(sys.executable).parent if os.path.exists(Path(sys.executable).parent / 'route') else paths.home() / '.local/bin'} before {Path(exe).parent} in PATH",
    )


def run_all() -> list[Check]:
    s = _Settings()
    checks: list[tuple[str, Callable[[], Check]]] = [
        ("claude hooks", lambda: check_hooks(s)),
        ("hook run", lambda: check_hook_runs(s)),
        ("subagent model", lambda: check_subagent_env(s)),
        ("default model", lambda: check_default_model(s)),
        ("shell init", check_shell_init),
        ("state file", check_state),
        ("config", check_config),
        ("tools", check_tools),
        ("route on PATH", check_route_on_path),
    ]
    out = []
    for name, fn in checks:
        try:
            out.append(fn())
        except Exception as e:  # a doctor must report, not crash
            out.append(Check(name, FAIL, f"the check itself failed: {e!r}", "report this at the modelroute issue tracker"))
    return out
