"""Claude Code's install target: modelroute in a settings file (user or project), and out again.

The file-level half of routing.claude.merge: read the file, refuse what must
not be touched (invalid JSON, a symlink unless followed), merge, render in the
file's own style (routing.claude.jsonedit), and plan the write with its backup
and the install-record entry saying what only we added. `agents/Explore.md`
with `model: haiku` is added too, unless the user has their own. When
uninstall's result has the same content as the backed-up original (even in
another key order, as Claude Code's own rewrites leave it), the original
bytes come back and the backup goes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Optional

from routing.claude import home
from routing.claude.describe import describe
from routing.claude.host import MODEL_SWITCH_SINCE
from routing.claude.jsonedit import detect_style, render, same_order
from routing.claude.merge import (HOOKS, MARKER, STATUS_LINE_SCRIPT, SUBAGENT_ENV, SettingsError, command_for,
                                  has_key, hooks_dir, merge, parse, unmerge, wanted_commands)
from routing.core import paths
from routing.core.checks import Check
from routing.edits import fileops
from routing.edits import record as install_record
from routing.edits.fileops import FileOpsError
from routing.edits.plan import FileEdit, Skipped, missing_dirs
from routing.edits.target import Options, Plan, guarded

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


class Scope:
    """One settings file plus the agents dir that goes with it: the user's, or a project's."""

    def __init__(self, settings: Path, agents_dir: Path, project: bool) -> None:
        self.settings = settings
        self.agents_dir = agents_dir
        self.project = project

    @property
    def agent_file(self) -> Path:
        return self.agents_dir / "Explore.md"

    @property
    def name(self) -> str:
        return "Claude Code (project)" if self.project else "Claude Code"


def scope(project: bool = False, cwd: Optional[str] = None) -> Scope:
    base = project_root(cwd) / ".claude" if project else claude_dir()
    return Scope(base / "settings.json", base / "agents", project)


def _read_settings(path: Path, follow: bool) -> tuple[Optional[str], Path]:
    if path.is_symlink() and not follow:
        raise SettingsError(
            f"{path} is a symlink (to {os.readlink(path)}); refusing to replace it with a regular file. "
            f"Nothing was changed; run again with --follow-symlinks to edit the file it points to"
        )
    real = Path(os.path.realpath(path)) if follow else path
    return fileops.read_text(real), real


def _user_model_elsewhere(s: Scope) -> Optional[str]:
    """For a project install: a model the user's own settings already pick."""
    if not s.project:
        return None
    user = claude_dir() / "settings.json"
    try:
        doc = json.loads(fileops.read_text(user, follow=True) or "{}")
    except (ValueError, FileOpsError):
        return None
    model = doc.get("model") if isinstance(doc, dict) else None
    return model if isinstance(model, str) else None


def _record(s: Scope, real: Path) -> Optional[dict[str, Any]]:
    # Keyed by the file written; an install before `real` was the key used the link's path.
    return install_record.get(real) or install_record.get(s.settings)


PLAN_AS_VENV = paths.PLAN_AS_VENV


def hook_commands(scripts: Optional[Path] = None, python: Optional[str] = None) -> dict[str, str]:
    """event (and "statusLine") -> command; refuses when a hook script is missing here."""
    commands = wanted_commands(scripts, python)
    final = os.environ.get(PLAN_AS_VENV, "")
    if not final or scripts is not None:
        return commands
    rel = hooks_dir().relative_to(sys.prefix)
    names = {event: script for event, (_, script, _) in HOOKS.items()}
    names["statusLine"] = STATUS_LINE_SCRIPT
    return {key: command_for(Path(final) / rel / names[key], os.path.join(final, "bin", "python"))
            for key in commands}


def plan_install(s: Scope, mode: str = "smart", follow: bool = False,
                 scripts: Optional[Path] = None, python: Optional[str] = None,
                 advisor: Optional[str] = None) -> Plan:
    """Plan merging our entries into the settings file, and the Explore agent."""
    plan = Plan(s.name)
    commands = hook_commands(scripts, python)
    old, real = _read_settings(s.settings, follow)
    doc = parse(s.settings, old)
    record = _record(s, real) or {}
    from routing.claude import version as host_version  # runs `claude --version`

    found = host_version.installed()
    skip = host_version.skipped_events(found)
    new_doc, added, notes = merge(doc, commands, mode, _user_model_elsewhere(s), record.get("added", ()), skip,
                                  advisor)
    if skip:
        notes.append(f"{' and '.join(skip)} left out: Claude Code {host_version.name(found)} "
                     f"{'was not found on PATH' if found is None else 'does not have them'} (they need "
                     f"{host_version.name(MODEL_SWITCH_SINCE)}; older releases warn at every start about "
                     f"events they do not know); run route install again after upgrading")
    new_text = old if same_order(new_doc, doc) else render(new_doc, detect_style(old or ""), old or "")
    entry = {
        "created": bool(record.get("created")) or old is None,
        "added": sorted(k for k in set(record.get("added", [])) | set(added) if has_key(new_doc, k)),
        "dirs": record.get("dirs") or missing_dirs(real),
        "mode": mode,
    }
    if has_key(new_doc, "advisorModel") and "advisorModel" in entry["added"]:
        entry["advisor"] = new_doc["advisorModel"]  # uninstall takes it out only while it is still this
    if real != s.settings:
        plan.notes.append(f"{s.settings} is a symlink: editing its target {real}")
    plan.edits.append(FileEdit(real, old, new_text, "Claude Code settings", mode=0o600 if old is None else None,
                               record=entry, details=describe(doc, new_doc, SUBAGENT_ENV) + notes))
    plan_agent_install(plan, s)
    return plan


def plan_agent_install(plan: Plan, s: Scope) -> None:
    path = s.agent_file
    existing = fileops.read_text(path) if path.exists() or path.is_symlink() else None
    if existing is not None and existing != EXPLORE_AGENT:
        plan.skipped.append(Skipped(path, "your own Explore agent, not modelroute's" if MARKER not in existing
                                    else "edited since modelroute installed it"))
        return
    plan.edits.append(FileEdit(path, existing, EXPLORE_AGENT, "Explore agent", mode=0o644, backup=False,
                               record={"created": True, "sha256": _sha(EXPLORE_AGENT), "dirs": missing_dirs(path)},
                               details=["Explore subagents (file search) run on haiku (model: haiku)"]))


def plan_uninstall(s: Scope, follow: bool = False) -> Plan:
    """Plan removing exactly what install added, restoring the original bytes when nothing else changed."""
    plan = Plan(s.name)
    old, real = _read_settings(s.settings, follow)
    record = _record(s, real)
    # The agent first: removing it may empty a directory the settings file's removal then takes.
    plan_agent_uninstall(plan, s)
    if old is None:
        return plan
    doc = parse(s.settings, old)
    backup = fileops.backup_path(real)
    backup_text = fileops.read_text(backup) if backup.exists() else None
    original: Optional[dict[str, Any]] = None
    if backup_text is not None:
        try:
            original = parse(backup, backup_text)
        except SettingsError:
            original = None
    new_doc, notes = unmerge(doc, record.get("added") if record else None, original,
                             record.get("advisor") if record else None)
    drop_backup = False
    if same_order(new_doc, doc):
        new_text: Optional[str] = old
    elif backup_text is not None and original is not None and new_doc == original:
        # The same content as before install, if perhaps in another key order (Claude Code
        # rewrites the file on /model): the original bytes come back, and the backup is spent.
        new_text, drop_backup = backup_text, True
    elif not new_doc and ((record and record.get("created")) or (record is None and backup_text is None)):
        new_text = None  # we created the file: remove it
    else:
        new_text = render(new_doc, detect_style(old), old)
    if backup_text is not None and new_text != backup_text and new_text != old:
        plan.skipped.append(Skipped(backup, "your settings.json before install; it changed since, so "
                                    "this copy is kept: delete it once you have checked"))
    plan.edits.append(FileEdit(real, old, new_text, "Claude Code settings", record=None, drop_backup=drop_backup,
                               remove_dirs=(record.get("dirs", []) if record else []),
                               details=describe(doc, new_doc, SUBAGENT_ENV) + notes))
    return plan


def plan_agent_uninstall(plan: Plan, s: Scope) -> None:
    path = s.agent_file
    record = install_record.get(path)
    existing = fileops.read_text(path) if path.exists() or path.is_symlink() else None
    if existing is None:
        return
    if existing != EXPLORE_AGENT and (record is None or record.get("sha256") != _sha(existing)):
        if MARKER in existing:
            plan.skipped.append(Skipped(path, "edited since modelroute installed it; delete it by hand if unwanted"))
        return
    plan.edits.append(FileEdit(path, existing, None, "Explore agent", record=None,
                               remove_dirs=record.get("dirs", []) if record else []))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ClaudeCode:
    """The install target (routing.edits.target): the user's settings, or with project=True the repository's."""

    def __init__(self, project: bool = False, cwd: Optional[str] = None) -> None:
        self.project, self.cwd = project, cwd
        self.name = "Claude Code (project)" if project else "Claude Code"

    def present(self) -> bool:
        return self.project or home.present()

    def plan_install(self, options: Options) -> Plan:
        mode = "simple" if options.subagents == "haiku" else "smart"
        return guarded(self.name, lambda: plan_install(scope(self.project, self.cwd), mode, options.follow_symlinks,
                                                       advisor=getattr(options, "advisor", None)))

    def plan_uninstall(self, options: Options) -> Plan:
        return guarded(self.name, lambda: plan_uninstall(scope(self.project, self.cwd), options.follow_symlinks))

    def checks(self) -> list[tuple[str, Callable[[], Check]]]:
        from routing.claude import checks

        return checks.checks()
