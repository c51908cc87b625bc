"""`route doctor`'s checks of the Claude Code set-up: hooks, a real hook run, subagent and default model.

They read settings.json and run the installed UserPromptSubmit hook against a
throwaway state dir (the user's counts stay untouched); nothing else is run.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Optional

from routing.claude import home
from routing.claude.host import SUBAGENT_FORCE_VAR, SUBAGENT_MODEL_VAR
from routing.claude.merge import HOOKS, hook_argv
from routing.core import paths
from routing.core.checks import FAIL, OK, WARN, Check

SLOW_HOOK_MS = 400


class _Settings:
    """The user settings.json as parsed, or why it could not be."""

    def __init__(self) -> None:
        self.path = Path(home.user_settings())
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
        from routing.claude.merge import is_ours

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
        if home.present():
            return Check(name, WARN, f"not installed in {s.path}", "route install --claude")
        return Check(name, OK, "Claude Code not found; nothing to check")
    broken = sorted({p for cmds in ours.values() for c in cmds for p in _missing_paths(c)})
    if broken:
        return Check(
            name, FAIL, f"hooks point at missing files: {', '.join(broken)}",
            "route install --claude (re-points the hooks at this install)",
        )
    from routing.claude import version as host_version

    found = host_version.installed()
    skip = host_version.skipped_events(found)
    missing = [e for e in HOOKS if e not in ours and e not in skip]
    if missing:
        return Check(name, WARN, f"installed, but not for {', '.join(missing)}"
                     + (f" (Claude Code {host_version.name(found)} has them)" if found else ""), "route install --claude")
    unknown = [e for e in skip if e in ours]
    if unknown and found is not None:
        return Check(name, WARN, f"hooks for {', '.join(unknown)}, which Claude Code {host_version.name(found)} "
                                 f"does not know (it warns at every start)", "route install --claude (takes them out)")
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
    argv = hook_argv(cmds[0])
    times = []
    for _ in range(2):  # the first run pays for a cold disk cache; report the better one
        t0 = time.perf_counter()
        try:
            # The interpreter and script themselves: the installed command ends in `|| true`
            # (it must never block Claude Code), which would hide the failure we look for.
            proc = subprocess.run(argv or cmds[0], shell=not argv, input=payload, env=env, text=True,
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
    """The subagent mode route install last used for this settings file: smart, simple or ''."""
    try:
        from routing.edits import record as install_record

        entry = install_record.get(settings) or {}
    except Exception:
        return ""
    return str(entry.get("mode") or "")


def check_subagent_env(s: _Settings, version: Any = "detect") -> Check:
    """CLAUDE_CODE_SUBAGENT_MODEL, read against the installed Claude Code's precedence rule."""
    from routing.claude import version as host_version

    name = "subagent model"
    from_settings = s.env().get(SUBAGENT_MODEL_VAR)
    value = os.environ.get(SUBAGENT_MODEL_VAR) or from_settings
    smart = "PreToolUse" in s.our_commands()
    if not value:
        return Check(name, OK, "per-task routing" if smart else "CLAUDE_CODE_SUBAGENT_MODEL not set")
    if version == "detect":
        version = host_version.installed()
    forced = (os.environ.get(SUBAGENT_FORCE_VAR) or s.env().get(SUBAGENT_FORCE_VAR)) == "1"
    rule = host_version.precedence(version)
    where = f"the env block of {s.path}" if from_settings else "your environment"
    if smart and _installed_mode(s.path) == "simple" and from_settings == value:
        if not forced and host_version.var_beats_call(version) is not True:
            return Check(name, WARN, f"every subagent should run on {value}, but {rule}, and it is not set",
                         "route install --claude --subagents haiku (adds it)")
        return Check(name, OK, f"every subagent runs on {value} (route install --subagents haiku: per-task routing off by choice)")
    if smart:
        return Check(
            name, WARN, f"CLAUDE_CODE_SUBAGENT_MODEL={value} (from {where}): modelroute leaves every subagent to it, "
                        f"so per-task routing is off; {rule}",
            f"remove it from {where} to route each task, or keep it and run `route install --subagents haiku`",
        )
    return Check(name, OK, f"every subagent runs on {value} (no per-task routing; {rule})")


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


def checks() -> list[tuple[str, Callable[[], Check]]]:
    s = _Settings()
    return [
        ("claude hooks", lambda: check_hooks(s)),
        ("hook run", lambda: check_hook_runs(s)),
        ("subagent model", lambda: check_subagent_env(s)),
        ("default model", lambda: check_default_model(s)),
    ]
