"""Install modelroute into a Claude Code settings file (user or project), and take it out.

The file-level half of routing.claude.merge: read the file, refuse what must
not be touched (invalid JSON, a symlink unless followed), merge, render in the
file's own style (routing.claude.jsonedit), write atomically with a backup,
and remember in the install record what only we added. `agents/Explore.md`
with `model: haiku` is added too, unless the user has their own. When
uninstall's result equals the backed-up original, the original bytes are
restored exactly.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any, Optional

from routing.claude import home
from routing.claude.jsonedit import detect_style, render, same_order
from routing.claude.merge import MARKER, SettingsError, has_key, merge, parse, unmerge, wanted_commands
from routing.edits import fileops
from routing.edits import record as install_record
from routing.edits.fileops import NO_CHANGE, Change, FileOpsError

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
    new_text = old if same_order(new_doc, doc) else render(new_doc, detect_style(old or ""), old or "")
    created_dirs = _missing_dirs(real)
    change = fileops.write_change(real, old, new_text, dry_run=dry_run, mode=0o600 if old is None else None)
    if change.changed and not dry_run:
        entry = {
            "created": bool(record.get("created")) or old is None,
            "added": sorted(k for k in set(record.get("added", [])) | set(added) if has_key(new_doc, k)),
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
        if same_order(new_doc, doc):
            new_text: Optional[str] = old
        elif backup_text is not None and original is not None and same_order(new_doc, original):
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


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
