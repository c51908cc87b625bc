"""What modelroute adds to a Claude Code settings document, and how it takes it out again: pure.

What install adds (and uninstall removes, and nothing else):
- one hook group per event: UserPromptSubmit, PreToolUse (matcher "Agent|Task"),
  SessionStart, SessionEnd, PreModelSwitch, PostModelSwitch, each running
  `<venv python> -S <hooks/NAME.py> || true` (fail open; -S: see command_for);
- `statusLine`, only when the user has none (theirs is never replaced);
- `"model": "sonnet"`, only when no model is set;
- `advisorModel`, only with `--advisor MODEL` and when the user has none;
- in mode "simple", `env.CLAUDE_CODE_SUBAGENT_MODEL=haiku` and
  `env.CLAUDE_CODE_SUBAGENT_MODEL_FORCE=1` (every subagent on haiku; this
  disables per-task routing). Claude Code after 2.1.197 lets a model the
  Agent call names beat the first unless the second is set; older releases
  ignore the second, so both are written whatever the version, and an
  upgrade of Claude Code keeps the pin. Mode "smart" routes each subagent task.

Our entries are recognised by the `modelroute` marker in the command (every
command we write ends with a `# modelroute` shell comment), like pre-commit's
is_our_script, so upgrades and uninstall find older forms too. What cannot be
recognised by a marker (the model, the env var, containers we created) comes
from the install record, or else from the backup (routing.claude.install).
"""

from __future__ import annotations

import copy
import json
import os
import re
import shlex
import sys
from pathlib import Path
from typing import Any, Optional

from routing.claude.host import SUBAGENT_FORCE_VAR, SUBAGENT_MATCHER, SUBAGENT_MODEL_VAR
from routing.core import paths
from routing.core.tiers import tier_of_model
from routing.edits.fileops import FileOpsError

MARKER = "modelroute"
SUBAGENT_ENV = SUBAGENT_MODEL_VAR
DEFAULT_MODEL = "sonnet"
ADVISOR_KEY = "advisorModel"
NO_ADVISOR = "none"
MODES = ("smart", "simple")

# event -> (matcher or None, script, timeout seconds). Hooks must answer in
# milliseconds; the timeout only bounds a wedged interpreter.
HOOKS: dict[str, tuple[Optional[str], str, int]] = {
    "UserPromptSubmit": (None, "user_prompt_submit.py", 10),
    "PreToolUse": (SUBAGENT_MATCHER, "pre_tool_use.py", 10),
    "SessionStart": (None, "session_start.py", 10),
    "SessionEnd": (None, "session_end.py", 10),
    # 2.1.332+; older releases ignore events they do not know (2.1.197 observed).
    "PreModelSwitch": (None, "pre_model_switch.py", 10),
    "PostModelSwitch": (None, "post_model_switch.py", 10),
}
STATUS_LINE_SCRIPT = "status_line.py"
OUR_SCRIPTS = tuple(s for _, s, _ in HOOKS.values()) + (STATUS_LINE_SCRIPT,)
# Older/alternative forms we may have written: `route status --claude`, `route hook NAME`.
_OLD_FORMS = re.compile(r"(^|[\s/])(route|modelroute)\s+(status\s+--claude|hook\s)")

class SettingsError(FileOpsError):
    """A settings file we refuse to touch; the message names the file, the line and what to do."""


def hooks_dir() -> Path:
    """The hook scripts: `routing/_hooks` inside the wheel, `hooks/` at the top of a source tree.

    Users' settings.json hold these absolute paths, so the wheel's names never move."""
    pkg = paths.package_root()
    installed = pkg / "_hooks"
    return installed if installed.is_dir() else pkg.parent / "hooks"


# Appended to every command: its exit status is 0 whatever happened before it.
FAIL_OPEN = "|| true"
NO_SITE = "-S"


def command_for(script: Path, python: Optional[str] = None) -> str:
    """`<python> -S <script> || true # modelroute`: the interpreter's real path (no shim), fail-open, our marker.

    -S skips `site`, a quarter of the interpreter's start-up; the scripts find
    the package and, when they need one, `site` themselves (hooks/_hookentry.py).

    Claude Code reads exit 2 from UserPromptSubmit as "block this prompt" and from
    PreToolUse as "block this tool call", and Python exits 2 when it cannot open
    the script (package uninstalled, venv rebuilt on another Python minor,
    site-packages deleted); a missing interpreter is the shell's 127. The hook
    scripts themselves exit 0 on any error of ours (hooks/_hookentry.py), so the
    `|| true` only ever turns a broken installation into "no opinion": every
    prompt and tool call goes through, and `route doctor` names what broke.
    """
    exe = os.path.abspath(python or sys.executable)
    return f"{shlex.quote(exe)} {NO_SITE} {shlex.quote(str(script))} {FAIL_OPEN} # {MARKER}"


def hook_argv(command: str) -> list[str]:
    """The interpreter and script a command of ours runs, without the fail-open tail (for doctor)."""
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        return []
    return words[: words.index("||")] if "||" in words else words


def is_ours(command: Any) -> bool:
    """Did modelroute write this command (any version)?"""
    if not isinstance(command, str):
        return False
    if MARKER in command:
        return True
    if _OLD_FORMS.search(command):
        return True
    # Our scripts inside an installed wheel (routing/_hooks). A bare `hooks/session_start.py`
    # is a common name for a user's own hook, so it is not enough on its own.
    return any(re.search(rf"routing[/\\]_hooks[/\\]{re.escape(s)}\b", command) for s in OUR_SCRIPTS)


def wanted_commands(scripts: Optional[Path] = None, python: Optional[str] = None) -> dict[str, str]:
    """event (and "statusLine") -> the command to install. Refuses if a script is missing."""
    d = scripts or hooks_dir()
    out = {}
    for event, (_, script, _) in HOOKS.items():
        out[event] = script
    out["statusLine"] = STATUS_LINE_SCRIPT
    for key, script in out.items():
        path = d / script
        if not path.is_file():
            raise SettingsError(
                f"{path} is missing: this modelroute installation is incomplete; reinstall it (./install.sh)"
            )
        out[key] = command_for(path, python)
    return out


def parse(path: Path, text: Optional[str]) -> dict[str, Any]:
    """The settings object; an empty or missing file is `{}`; anything unparsable is refused."""
    if text is None or not text.strip():
        return {}
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise SettingsError(
            f"{path}, line {e.lineno}, column {e.colno}: not valid JSON ({e.msg}). "
            f"Nothing was changed; fix the file (or move it away) and run again"
        ) from None
    if not isinstance(doc, dict):
        raise SettingsError(f"{path}: expected a JSON object at the top level, found {type(doc).__name__}. Nothing was changed")
    hooks = doc.get("hooks")
    if hooks is not None:
        if not isinstance(hooks, dict):
            raise SettingsError(f'{path}: "hooks" should be an object. Nothing was changed; fix it and run again')
        for event, groups in hooks.items():
            if not isinstance(groups, list):
                raise SettingsError(f'{path}: "hooks.{event}" should be a list. Nothing was changed; fix it and run again')
    env = doc.get("env")
    if env is not None and not isinstance(env, dict):
        raise SettingsError(f'{path}: "env" should be an object. Nothing was changed; fix it and run again')
    return doc


def has_key(doc: dict[str, Any], dotted: str) -> bool:
    node: Any = doc
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _group_hooks(group: Any) -> list[Any]:
    if isinstance(group, dict) and isinstance(group.get("hooks"), list):
        return group["hooks"]  # type: ignore[no-any-return]
    return []


def _entry_is_ours(entry: Any) -> bool:
    return isinstance(entry, dict) and is_ours(entry.get("command"))


def _strip_ours(groups: list[Any]) -> tuple[list[Any], int]:
    """Remove our hook entries; drop groups they leave empty. Returns (groups, index of first touched)."""
    out: list[Any] = []
    first = -1
    for group in groups:
        entries = _group_hooks(group)
        if not any(_entry_is_ours(e) for e in entries):
            out.append(group)
            continue
        if first < 0:
            first = len(out)
        kept = [e for e in entries if not _entry_is_ours(e)]
        if kept:
            group = dict(group)
            group["hooks"] = kept
            out.append(group)
    return out, first


def _wanted_group(event: str, command: str) -> dict[str, Any]:
    matcher, _, timeout = HOOKS[event]
    group: dict[str, Any] = {}
    if matcher is not None:
        group["matcher"] = matcher
    group["hooks"] = [{"type": "command", "command": command, "timeout": timeout}]
    return group


def merge(doc: dict[str, Any], commands: dict[str, str], mode: str = "smart",
          user_model: Optional[str] = None, prev_added: Any = (),
          skip: Any = (), advisor: Optional[str] = None) -> tuple[dict[str, Any], list[str], list[str]]:
    """Add our entries to a settings document.

    `user_model` is a model set elsewhere that should stop us setting one (the
    user file, for a project install); `prev_added` is what an earlier install
    added (so switching simple -> smart can take its env var out again); `skip`
    names events the installed Claude Code does not know (our entries there go);
    `advisor` sets `advisorModel` (NO_ADVISOR takes ours out; None keeps it as it is).
    Returns (new doc, keys added, notes); keys taken out again are no longer in `new`.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    new = copy.deepcopy(doc)
    added: list[str] = []
    notes: list[str] = []

    hooks = new.get("hooks")
    if hooks is None:
        hooks = new["hooks"] = {}
        added.append("hooks")
    for event in HOOKS:
        if event in skip:
            if isinstance(hooks.get(event), list):
                rest, touched = _strip_ours(hooks[event])
                if touched >= 0:
                    if rest:
                        hooks[event] = rest
                    else:
                        del hooks[event]
            continue
        want = _wanted_group(event, commands[event])
        groups = hooks.get(event)
        if groups is None:
            hooks[event] = [want]
            added.append(f"hooks.{event}")
            continue
        ours = [g for g in groups if any(_entry_is_ours(e) for e in _group_hooks(g))]
        if len(ours) == 1 and ours[0] == want:
            continue
        rest, at = _strip_ours(groups)
        rest.insert(at if at >= 0 else len(rest), want)
        hooks[event] = rest

    status = new.get("statusLine")
    if status is None:
        new["statusLine"] = {"type": "command", "command": commands["statusLine"]}
        added.append("statusLine")
    elif isinstance(status, dict) and is_ours(status.get("command")):
        if status.get("command") != commands["statusLine"]:
            status["command"] = commands["statusLine"]
    else:
        notes.append(
            "kept your own statusLine; to see modelroute's line, set its command to: " + commands["statusLine"]
        )

    if "model" in prev_added and "model" in new:
        pass  # ours from an earlier run
    elif "model" in new or user_model:
        have = new.get("model", user_model)
        notes.append(f'kept your model setting ("model": {json.dumps(have)})')
    else:
        new["model"] = DEFAULT_MODEL
        added.append("model")

    _merge_advisor(new, advisor, "advisorModel" in prev_added, added, notes)

    env = new.get("env")
    current = env.get(SUBAGENT_ENV) if isinstance(env, dict) else None
    ours = current == "haiku" and f"env.{SUBAGENT_ENV}" in prev_added
    if mode == "simple":
        if current is None:
            if env is None:
                env = new["env"] = {}
                added.append("env")
            env[SUBAGENT_ENV] = "haiku"
            added.append(f"env.{SUBAGENT_ENV}")
            ours = True
        elif current != "haiku":
            notes.append(f"kept your {SUBAGENT_ENV}={current}")
        if ours and SUBAGENT_FORCE_VAR not in env:  # also upgrades a pin from before FORCE existed
            env[SUBAGENT_FORCE_VAR] = "1"
            added.append(f"env.{SUBAGENT_FORCE_VAR}")
        notes.append(f"subagents haiku: {SUBAGENT_ENV}=haiku and {SUBAGENT_FORCE_VAR}=1 send every subagent to "
                     f"haiku, even one whose caller names a model; this disables per-task routing")
    else:
        if ours:
            del env[SUBAGENT_ENV]
            if env.get(SUBAGENT_FORCE_VAR) == "1" and f"env.{SUBAGENT_FORCE_VAR}" in prev_added:
                del env[SUBAGENT_FORCE_VAR]
            if not env and "env" in prev_added:
                del new["env"]
            current = None
        if current is not None:
            notes.append(
                f"{SUBAGENT_ENV}={current} is yours, so modelroute leaves every subagent to it (no per-task "
                f"routing); remove it to route each task"
            )
        else:
            notes.append("subagents routed: each subagent is routed to the tier its task needs")
    return new, added, notes


def _merge_advisor(new: dict[str, Any], advisor: Optional[str], ours: bool, added: list[str],
                   notes: list[str]) -> None:
    """`advisorModel`: the model Claude Code's server-side advisor tool consults. The main
    model stays (and so does its prompt cache); it asks the advisor when it needs to."""
    if advisor is None:
        return
    have = new.get(ADVISOR_KEY)
    if advisor == NO_ADVISOR:
        if ours and ADVISOR_KEY in new:
            del new[ADVISOR_KEY]
        elif have is not None:
            notes.append(f'kept your "{ADVISOR_KEY}": {json.dumps(have)} (not modelroute\'s)')
        return
    if tier_of_model(advisor) is None:
        raise SettingsError(f"--advisor {advisor!r} names no Claude model (opus, sonnet, haiku, fable or a full id). "
                            f"Nothing was changed")
    if have is not None and not ours:
        if have != advisor:
            notes.append(f'kept your "{ADVISOR_KEY}": {json.dumps(have)}; change it yourself to use {advisor}')
        return
    if have != advisor:
        new[ADVISOR_KEY] = advisor
        if not ours:
            added.append(ADVISOR_KEY)
    notes.append(f'"{ADVISOR_KEY}": "{advisor}": the main model can consult {advisor} without a switch, so its '
                 f"prompt cache stays (where Claude Code's advisor feature is on for your account)")


def unmerge(doc: dict[str, Any], added: Optional[list[str]] = None,
            original: Optional[dict[str, Any]] = None, advisor: Optional[str] = None) -> tuple[dict[str, Any], list[str]]:
    """Remove our entries. `added` (from the install record) and `original` (the backup)
    say which keys and containers we introduced; without either, empty containers go."""
    new = copy.deepcopy(doc)
    notes: list[str] = []

    def introduced(key: str) -> Optional[bool]:
        if added is not None:
            return key in added
        if original is not None:
            return not has_key(original, key)
        return None

    hooks = new.get("hooks")
    if isinstance(hooks, dict):
        for event in list(hooks):
            groups = hooks[event]
            if not isinstance(groups, list):
                continue
            rest, touched = _strip_ours(groups)
            if touched < 0:
                continue
            if rest or introduced(f"hooks.{event}") is False:
                hooks[event] = rest
            else:
                del hooks[event]
        if not hooks and introduced("hooks") is not False:
            del new["hooks"]

    status = new.get("statusLine")
    if isinstance(status, dict) and is_ours(status.get("command")):
        del new["statusLine"]

    if "model" in new:
        if introduced("model") and new["model"] == DEFAULT_MODEL:
            del new["model"]
        elif introduced("model") is None and new["model"] == DEFAULT_MODEL:
            notes.append(f'left "model": "{DEFAULT_MODEL}" (cannot tell whether modelroute set it)')

    if ADVISOR_KEY in new and introduced(ADVISOR_KEY) and (advisor is None or new[ADVISOR_KEY] == advisor):
        del new[ADVISOR_KEY]  # ours, unless changed since (Claude Code's /advisor writes it too)

    env = new.get("env")
    if isinstance(env, dict):
        key = f"env.{SUBAGENT_ENV}"
        if env.get(SUBAGENT_ENV) == "haiku":
            if introduced(key):
                del env[SUBAGENT_ENV]
            elif introduced(key) is None:
                notes.append(f"left {SUBAGENT_ENV}=haiku in env (cannot tell whether modelroute set it)")
        force = f"env.{SUBAGENT_FORCE_VAR}"
        if env.get(SUBAGENT_FORCE_VAR) == "1" and introduced(force) and not has_key(new, key):
            del env[SUBAGENT_FORCE_VAR]
        if not env and introduced("env") is not False and has_key(doc, key) and not has_key(new, key):
            del new["env"]
    return new, notes
