"""`route install` / `route uninstall` across targets: Claude Code, the shell, Codex, Cursor.

Each target is one function returning a Part: the per-file Changes (with
diffs), what it skipped and why, and notes for the user. The same functions
run twice: first with dry_run=True to plan (for --dry-run, the confirmation
prompt, and "already installed"), then for real. Per-target file logic lives
in claude_install, shell_setup, codex_profiles; this module only sequences.
"""

from __future__ import annotations

import os
import shutil
from typing import Any, Callable, Optional

from routing.core import paths
from routing.edits import fileops
from routing.edits.fileops import Change, FileOpsError
from routing.edits.plan import FileEdit, Skipped


class Part:
    """What one target did, or would do."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.changes: list[Change] = []
        self.skipped: list[Skipped] = []
        self.notes: list[str] = []
        self.error = ""

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.changes)

    @property
    def failed(self) -> bool:
        return bool(self.error) or any(s.failed for s in self.skipped)


def _guard(part: Part, fn: Callable[[], None]) -> Part:
    """Run one target; a refusal (bad file, read-only dir) is reported, not raised."""
    try:
        fn()
    except FileOpsError as e:
        part.error = str(e)
    except (RuntimeError, ValueError) as e:
        part.error = str(e)
    return part


def _run_edits(part: Part, edits: list[FileEdit], dry_run: bool) -> None:
    for edit in edits:
        if dry_run:
            status = fileops.MODIFIED if edit.changed else fileops.NO_CHANGE
            note = edit.what if edit.changed else f"already installed ({edit.what})"
            part.changes.append(Change(edit.path, status, note, edit.diff() if edit.changed else ""))
        else:
            part.changes.append(edit.apply())


def check_home() -> None:
    """Refuse early: with HOME missing, every path below would create a stray tree."""
    home = paths.home()
    if not home.is_dir():
        raise RuntimeError(f"HOME ({home}) does not exist; set HOME to your home directory and run again")


# -- detection ----------------------------------------------------------------------


def cursor_present() -> bool:
    home = paths.home()
    return shutil.which("cursor-agent") is not None or shutil.which("cursor") is not None or any(
        (home / d).is_dir() for d in (".cursor", ".config/Cursor", "Library/Application Support/Cursor")
    )


# -- install ------------------------------------------------------------------------


def install_claude(dry_run: bool, mode: str = "smart", follow: bool = False) -> Part:
    from routing.claude import install as claude_install

    part = Part("Claude Code")

    def run() -> None:
        part.changes += claude_install.install(claude_install.target(), mode=mode, dry_run=dry_run, follow=follow)

    return _guard(part, run)


def install_shell(shell: Optional[str], dry_run: bool, follow: bool = False) -> Part:
    from routing.shell import setup as shell_setup

    part = Part(f"shell ({shell})" if shell else "shell")
    if shell is None:
        part.notes.append("your shell is not bash, zsh or fish: nothing to wire "
                          "(`route install --shell --login-shell zsh` picks one)")
        return part

    def run() -> None:
        plan = shell_setup.plan_install(shell, follow_symlinks=follow)
        part.skipped += plan.skipped
        part.notes += plan.notes
        _run_edits(part, plan.edits, dry_run)

    return _guard(part, run)


def install_codex(config: Any, dry_run: bool) -> Part:
    from routing.codex import profiles as codex_profiles

    part = Part("Codex")

    def run() -> None:
        edits, skipped = codex_profiles.plan_install(config)
        part.skipped += skipped
        _run_edits(part, edits, dry_run)
        if edits:
            part.notes.append("use them with `codex --profile quick` / `codex --profile deep` (or codex-quick, codex-deep)")

    return _guard(part, run)


CURSOR_FEATURES = (("Chat / Composer", "sonnet"), ("Inline Edit (Cmd/Ctrl-K)", "haiku"), ("Agent", "sonnet"))


def cursor_advice(config: Any) -> Part:
    """Cursor keeps its per-feature models in its UI: say what to pick, touch nothing."""
    part = Part("Cursor")
    part.notes.append("Cursor keeps per-feature models in its settings UI (Settings > Models); pick:")
    for feature, tier in CURSOR_FEATURES:
        part.notes.append(f"  {feature:<26} {config.model_for('cursor', tier)}  ({tier} tier)")
    return part


# -- uninstall ----------------------------------------------------------------------


def uninstall_claude(dry_run: bool, follow: bool = False) -> Part:
    from routing.claude import install as claude_install

    part = Part("Claude Code")
    return _guard(part, lambda: part.changes.extend(
        claude_install.uninstall(claude_install.target(), dry_run=dry_run, follow=follow)))


def uninstall_shell(dry_run: bool) -> Part:
    from routing.shell import setup as shell_setup

    part = Part("shell")

    def run() -> None:
        plan = shell_setup.plan_uninstall()
        part.skipped += plan.skipped
        part.notes += plan.notes
        _run_edits(part, plan.edits, dry_run)

    return _guard(part, run)


def uninstall_codex(dry_run: bool) -> Part:
    from routing.codex import profiles as codex_profiles

    part = Part("Codex")

    def run() -> None:
        edits, skipped = codex_profiles.plan_uninstall()
        part.skipped += skipped
        _run_edits(part, edits, dry_run)

    return _guard(part, run)


def purge(dry_run: bool) -> Part:
    """--purge: state, config and cache dirs, and our data dir except the package env in it."""
    part = Part("modelroute data")
    data = paths.data_dir()
    targets = [paths.state_dir(), paths.config_dir(), paths.cache_dir()]
    if data.is_dir():
        targets += sorted(p for p in data.iterdir() if p.name != "venv")
    for t in targets:
        if not os.path.lexists(t):
            continue
        part.changes.append(Change(t, fileops.MODIFIED, "removed"))
        if not dry_run:
            try:
                if t.is_dir() and not t.is_symlink():
                    shutil.rmtree(t)
                else:
                    t.unlink()
            except OSError as e:
                part.error = f"cannot remove {t}: {e.strerror or e}"
                break
    if not dry_run and data.is_dir() and not any(data.iterdir()):
        data.rmdir()
    return part


def report(parts: list[Part], stage: str) -> list[str]:
    """The per-part summary, one `<file>: MODIFIED|already installed` line per file.

    stage: "dry-run" (diffs first), "plan" (before asking) or "done".
    """
    lines: list[str] = []
    if stage == "dry-run":
        for part in parts:
            lines += [c.diff.rstrip("\n") for c in part.changes if c.changed and c.diff]
    for part in parts:
        if not part.changed and not part.skipped and not part.error:
            notes = {c.note for c in part.changes}
            state = "nothing to do" if not part.changes or notes <= {"not installed"} else "already installed"
            lines.append(f"{part.name}: {state}")
        else:
            lines.append(f"{part.name}:" + (" (would change)" if stage == "dry-run" else ""))
        for c in part.changes:
            lines.append(f"  {c}")
            lines += [f"    - {d}" for d in getattr(c, "details", [])]
        for s in part.skipped:
            lines.append(f"  {'FAILED' if s.failed else 'left alone'}: {s}")
        if part.error:
            lines.append(f"  FAILED: {part.error}")
        lines += [f"  {n}" for n in part.notes]
    if stage == "dry-run":
        lines.append("dry run: nothing was written")
    return lines
