"""Merge modelroute into Claude Code's settings.json, and take it out again.

What install adds (and uninstall removes, and nothing else):
- one hook group per event: UserPromptSubmit, PreToolUse (matcher "Agent|Task"),
  SessionStart, SessionEnd, each running `<venv python> <hooks/NAME.py>`;
- `statusLine`, only when the user has none (theirs is never replaced);
- `"model": "sonnet"`, only when no model is set;
- in mode "simple", `env.CLAUDE_CODE_SUBAGENT_MODEL=haiku` (every subagent on
  haiku; this disables per-task routing). Mode "smart" routes each subagent task.
- `agents/Explore.md` with `model: haiku`, unless the user has their own.

Our entries are recognised by the `modelroute` marker in the command (every
command we write ends with a `# modelroute` shell comment), like pre-commit's
is_our_script, so upgrades and uninstall find older forms too. What cannot be
recognised by a marker (the model, the env var, containers we created, whether
the file existed) is written to routing.edits.record; without that record
uninstall infers from the `.modelroute-backup` copy and keeps what it can't attribute.

The document is rewritten with its own indentation and key order; when the
result equals the backed-up original, the original bytes are restored exactly.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

from routing.claude import home
from routing.claude.host import SUBAGENT_MATCHER, SUBAGENT_MODEL_VAR
from routing.core import paths
from routing.edits import fileops
from routing.edits import record as install_record
from routing.edits.fileops import NO_CHANGE, Change, FileOpsError

MARKER = "modelroute"
SUBAGENT_ENV = SUBAGENT_MODEL_VAR
DEFAULT_MODEL = "sonnet"
MODES = ("smart", "simple")

# event -> (matcher or None, script, timeout seconds). Hooks must answer in
# milliseconds; the timeout only bounds a wedged interpreter.
HOOKS: dict[str, tuple[Optional[str], str, int]] = {
    "UserPromptSubmit": (None, "user_prompt_submit.py", 10),
    "PreToolUse": (SUBAGENT_MATCHER, "pre_tool_use.py", 10),
    "SessionStart": (None, "session_start.py", 10),
    "SessionEnd": (None, "session_end.py", 10),
}
STATUS_LINE_SCRIPT = "status_line.py"
OUR_SCRIPTS = tuple(s for _, s, _ in HOOKS.values()) + (STATUS_LINE_SCRIPT,)
# Older/alternative forms we may have written: `route status --claude`, `route hook NAME`.
_OLD_FORMS = re.compile(r"(^|[\s/])(route|modelroute)\s+(status\s+--claude|hook\s)")

EXPLORE_AGENT = """\
---
name: Explore
description: Fast read-only search agent. Use it to find files, definitions and usages, or to answer "where is X / what does X do" questions about the codebase when only the answer matters, not the file contents. Say how thorough to be ("quick", "medium" or "very thorough").
model: haiku
disallowedTools: Agent, Edit, Write, NotebookEdit, ExitPlanMode
# Installed by modelroute (route install --claude) so exploration runs on the cheap tier.
# `route uninstall --claude` removes this file unless you have edited it.
---
You are a read-only code search agent. Find what was asked for quickly:
use Glob and Grep to locate candidates, then Read only the relevant parts.
Never modify files. Answer concisely with file paths and line numbers, and
say plainly if something could not be found.
"""


class SettingsError(FileOpsError):
    """A settings file we refuse to touch; the message names the file, the line and what to do."""


# -- where -------------------------------------------------------------------------


def claude_dir() -> Path:
    """Claude Code's user directory (routing.claude.home), as a Path."""
    return Path(home.claude_dir())


def project_root(cwd: Optional[str] = None) -> Path:
    """The git toplevel of the current directory, or the directory itself."""
    here = os.path.abspath(cwd or os.getcwd())
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=here, capture_output=True, text=True, timeout=10
        )
        if out.returncode == 0 and out.stdout.strip():
            return Path(out.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return Path(here)


class Target:
    """One settings file plus the agents dir that goes with it."""

    def __init__(self, settings: Path, agents_dir: Path, project: bool) -> None:
        self.settings = settings
        self.agents_dir = agents_dir
        self.project = project

    @property
    def agent_file(self) -> Path:
        return self.agents_dir / "Explore.md"


def target(project: bool = False, cwd: Optional[str] = None) -> Target:
    base = project_root(cwd) / ".claude" if project else claude_dir()
    return Target(base / "settings.json", base / "agents", project)


# -- commands ----------------------------------------------------------------------


def hooks_dir() -> Path:
    """The hook scripts: `routing/_hooks` inside the wheel, `hooks/` at the top of a source tree.

    Users' settings.json hold these absolute paths, so the wheel's names never move."""
    pkg = paths.package_root()
    installed = pkg / "_hooks"
    return installed if installed.is_dir() else pkg.parent / "hooks"


def command_for(script: Path, python: Optional[str] = None) -> str:
    """`<python> <script> # modelroute`: the interpreter's real path (no shim), and our marker."""
    exe = os.path.abspath(python or sys.executable)
    return f"{shlex.quote(exe)} {shlex.quote(str(script))} # {MARKER}"


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


# -- parse and render, keeping the user's style --------------------------------------


class Style:
    """How the file was written: indent, separators, trailing newline."""

    def __init__(self, indent: Any = 2, separators: tuple[str, str] = (",", ": "), newline: bool = True) -> None:
        self.indent = indent
        self.separators = separators
        self.newline = newline


def detect_style(text: str) -> Style:
    if not text.strip():
        return Style()
    m = re.search(r"\n([ \t]+)\S", text)
    if m is None:
        # One-line JSON: keep it on one line with its separators.
        compact = not re.search(r"[,:]\s", text)
        sep = (",", ":") if compact else (", ", ": ")
        return Style(None, sep, text.endswith("\n"))
    ws = m.group(1)
    indent: Any = ws if "\t" in ws else len(ws)
    colon = ": " if re.search(r'"\s*:\s', text) or not re.search(r'":', text) else ":"
    return Style(indent, (",", colon), text.endswith("\n"))


def render(doc: Any, style: Style, original: str = "") -> str:
    """The document as text in the file's style; top-level values we did not change keep
    their original text (a hand-formatted `"allow": ["a", "b"]` stays on one line)."""
    spans = _top_level_spans(original) if original and style.indent is not None else None
    if not spans or not isinstance(doc, dict) or not doc:
        text = json.dumps(doc, indent=style.indent, separators=style.separators, ensure_ascii=False)
        return text + ("\n" if style.newline else "")
    pad = style.indent if isinstance(style.indent, str) else " " * style.indent
    members = []
    for key, value in doc.items():
        span = spans.get(key)
        if span is not None and _same_order(span[0], value):
            value_text = original[span[1]:span[2]]
        else:
            value_text = json.dumps(value, indent=style.indent, separators=style.separators, ensure_ascii=False)
            value_text = value_text.replace("\n", "\n" + pad)
        members.append(pad + json.dumps(key, ensure_ascii=False) + style.separators[1] + value_text)
    return "{\n" + ",\n".join(members) + "\n}" + ("\n" if style.newline else "")


def _top_level_spans(text: str) -> Optional[dict[str, tuple[Any, int, int]]]:
    """key -> (value, start, end) of each top-level member's value text; None if not a plain object."""
    decoder = json.JSONDecoder()
    ws = re.compile(r"[ \t\n\r]*")
    out: dict[str, tuple[Any, int, int]] = {}
    try:
        i = ws.match(text, 0).end()  # type: ignore[union-attr]
        if text[i] != "{":
            return None
        i = ws.match(text, i + 1).end()  # type: ignore[union-attr]
        if text[i] == "}":
            return out
        while True:
            if text[i] != '"':
                return None
            key, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
            i = ws.match(text, i).end()  # type: ignore[union-attr]
            if text[i] != ":":
                return None
            start = ws.match(text, i + 1).end()  # type: ignore[union-attr]
            value, end = decoder.raw_decode(text, start)
            if key in out:
                return None  # duplicate keys: let json.loads' last-wins rendering decide
            out[key] = (value, start, end)
            i = ws.match(text, end).end()  # type: ignore[union-attr]
            if text[i] == "}":
                return out
            if text[i] != ",":
                return None
            i = ws.match(text, i + 1).end()  # type: ignore[union-attr]
    except (IndexError, ValueError):
        return None


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


def _has(doc: dict[str, Any], dotted: str) -> bool:
    node: Any = doc
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


# -- the pure merge ------------------------------------------------------------------


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
          user_model: Optional[str] = None, prev_added: Any = ()) -> tuple[dict[str, Any], list[str], list[str]]:
    """Add our entries to a settings document.

    `user_model` is a model set elsewhere that should stop us setting one (the
    user file, for a project install); `prev_added` is what an earlier install
    added (so switching simple -> smart can take its env var out again).
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

    env = new.get("env")
    current = env.get(SUBAGENT_ENV) if isinstance(env, dict) else None
    if mode == "simple":
        if current is None:
            if env is None:
                env = new["env"] = {}
                added.append("env")
            env[SUBAGENT_ENV] = "haiku"
            added.append(f"env.{SUBAGENT_ENV}")
        elif current != "haiku":
            notes.append(f"kept your {SUBAGENT_ENV}={current}")
        notes.append(f"mode simple: {SUBAGENT_ENV}=haiku sends every subagent to haiku; this disables per-task routing")
    else:
        if current == "haiku" and f"env.{SUBAGENT_ENV}" in prev_added:
            del env[SUBAGENT_ENV]
            if not env and "env" in prev_added:
                del new["env"]
            current = None
        if current is not None:
            notes.append(
                f"{SUBAGENT_ENV}={current} is set in env and overrides per-task subagent routing; "
                f"remove it (or run `route uninstall --claude` then install again) to route each task"
            )
        else:
            notes.append("mode smart: each subagent is routed to the tier its task needs")
    return new, added, notes


def unmerge(doc: dict[str, Any], added: Optional[list[str]] = None,
            original: Optional[dict[str, Any]] = None) -> tuple[dict[str, Any], list[str]]:
    """Remove our entries. `added` (from the install record) and `original` (the backup)
    say which keys and containers we introduced; without either, empty containers go."""
    new = copy.deepcopy(doc)
    notes: list[str] = []

    def introduced(key: str) -> Optional[bool]:
        if added is not None:
            return key in added
        if original is not None:
            return not _has(original, key)
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

    env = new.get("env")
    if isinstance(env, dict):
        key = f"env.{SUBAGENT_ENV}"
        if env.get(SUBAGENT_ENV) == "haiku":
            if introduced(key):
                del env[SUBAGENT_ENV]
            elif introduced(key) is None:
                notes.append(f"left {SUBAGENT_ENV}=haiku in env (cannot tell whether modelroute set it)")
        if not env and introduced("env") is not False and _has(doc, key) and not _has(new, key):
            del new["env"]
    return new, notes


# -- file level ----------------------------------------------------------------------


def _missing_dirs(path: Path) -> list[str]:
    """Directories that writing `path` would create, deepest first."""
    out = []
    d = path.parent
    while not d.exists() and d != d.parent:
        out.append(str(d))
        d = d.parent
    return out


def _read_settings(path: Path, follow: bool) -> tuple[Optional[str], Path]:
    if path.is_symlink() and not follow:
        raise SettingsError(
            f"{path} is a symlink (to {os.readlink(path)}); refusing to replace it with a regular file. "
            f"Nothing was changed; run again with --follow-symlinks to edit the file it points to"
        )
    real = Path(os.path.realpath(path)) if follow else path
    return fileops.read_text(real), real


def _user_model_elsewhere(t: Target) -> Optional[str]:
    """For a project install: a model the user's own settings already pick."""
    if not t.project:
        return None
    user = claude_dir() / "settings.json"
    try:
        doc = json.loads(fileops.read_text(user, follow=True) or "{}")
    except (ValueError, FileOpsError):
        return None
    model = doc.get("model") if isinstance(doc, dict) else None
    return model if isinstance(model, str) else None


def install(t: Target, mode: str = "smart", dry_run: bool = False, follow: bool = False,
            scripts: Optional[Path] = None, python: Optional[str] = None) -> list[Change]:
    """Merge our entries into the settings file and add the Explore agent."""
    commands = wanted_commands(scripts, python)
    old, real = _read_settings(t.settings, follow)
    doc = parse(t.settings, old)
    record = install_record.get(t.settings) or {}
    new_doc, added, notes = merge(doc, commands, mode, _user_model_elsewhere(t), record.get("added", ()))
    new_text = old if _same_order(new_doc, doc) else render(new_doc, detect_style(old or ""), old or "")
    created_dirs = _missing_dirs(real)
    change = fileops.write_change(real, old, new_text, dry_run=dry_run, mode=0o600 if old is None else None)
    if change.changed and not dry_run:
        entry = {
            "created": bool(record.get("created")) or old is None,
            "added": sorted(k for k in set(record.get("added", [])) | set(added) if _has(new_doc, k)),
            "dirs": record.get("dirs") or created_dirs,
            "mode": mode,
        }
        install_record.put(t.settings, entry)
    change.path = t.settings
    change.details.extend(notes)
    return [change, install_agent(t, dry_run)]


def install_agent(t: Target, dry_run: bool = False) -> Change:
    path = t.agent_file
    existing = fileops.read_text(path) if path.exists() or path.is_symlink() else None
    if existing == EXPLORE_AGENT:
        return Change(path, NO_CHANGE)
    if existing is not None:
        c = Change(path, NO_CHANGE, "kept your own Explore agent" if MARKER not in existing
                   else "kept: edited since modelroute installed it")
        return c
    created_dirs = _missing_dirs(path)
    change = fileops.write_change(path, None, EXPLORE_AGENT, dry_run=dry_run, mode=0o644)
    change.details.append("Explore subagents run on haiku (agents/Explore.md, model: haiku)")
    if not dry_run:
        install_record.put(path, {"created": True, "sha256": _sha(EXPLORE_AGENT), "dirs": created_dirs})
    return change


def uninstall(t: Target, dry_run: bool = False, follow: bool = False) -> list[Change]:
    """Remove exactly what install added; restore the original bytes when nothing else changed."""
    old, real = _read_settings(t.settings, follow)
    record = install_record.get(t.settings)
    # The agent first: removing it may empty a directory the settings file's removal then takes.
    agent_change = uninstall_agent(t, dry_run)
    changes = []
    if old is None:
        changes.append(Change(t.settings, NO_CHANGE, "not installed"))
    else:
        doc = parse(t.settings, old)
        backup = fileops.backup_path(real)
        backup_text = fileops.read_text(backup) if backup.exists() else None
        original: Optional[dict[str, Any]] = None
        if backup_text is not None:
            try:
                original = parse(backup, backup_text)
            except SettingsError:
                original = None
        new_doc, notes = unmerge(doc, record.get("added") if record else None, original)
        if _same_order(new_doc, doc):
            new_text: Optional[str] = old
        elif backup_text is not None and original is not None and _same_order(new_doc, original):
            new_text = backup_text  # byte-identical restore
        elif not new_doc and ((record and record.get("created")) or (record is None and backup_text is None)):
            new_text = None  # we created the file: remove it
        else:
            new_text = render(new_doc, detect_style(old), old)
        change = fileops.write_change(real, old, new_text, dry_run=dry_run, unchanged_note="not installed")
        change.path = t.settings
        change.details.extend(notes)
        if change.changed and not dry_run:
            if new_text is not None and new_text == backup_text:
                fileops.remove_file(backup)
            if new_text is None:
                _remove_empty_dirs(record.get("dirs", []) if record else [])
            install_record.put(t.settings, None)
        changes.append(change)
    changes.append(agent_change)
    return changes


def uninstall_agent(t: Target, dry_run: bool = False) -> Change:
    path = t.agent_file
    record = install_record.get(path)
    existing = fileops.read_text(path) if path.exists() or path.is_symlink() else None
    if existing is None:
        return Change(path, NO_CHANGE, "not installed")
    unchanged = existing == EXPLORE_AGENT or (record is not None and record.get("sha256") == _sha(existing))
    if not unchanged:
        note = "kept: not modelroute's" if MARKER not in existing else "kept: edited since modelroute installed it"
        return Change(path, NO_CHANGE, note)
    change = fileops.write_change(path, existing, None, dry_run=dry_run)
    if not dry_run:
        _remove_empty_dirs(record.get("dirs", []) if record else [])
        install_record.put(path, None)
    return change


def _remove_empty_dirs(dirs: list[str]) -> None:
    for d in dirs:  # deepest first
        try:
            os.rmdir(d)
        except OSError:
            break


def _same_order(a: Any, b: Any) -> bool:
    """Equal including key order (dict == ignores order, the file does not)."""
    return json.dumps(a) == json.dumps(b)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
