"""A planned change to one user file: its text before and after, written only by `apply`.

Install and uninstall first *plan* every edit (read and compute, no writes),
so --dry-run prints the diffs, an interactive run asks before writing, and a
second run says NO CHANGE without touching a byte. Everything that has to
happen around the write (the backup, the install record, directories to tidy
away) is decided while planning and carried here, so `apply` is the one place
that writes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

from routing.edits import fileops

# What an edit does to its file, as the plan and the summary print it.
CREATED, MODIFIED, REMOVED, NO_CHANGE = "CREATED", "MODIFIED", "REMOVED", "NO CHANGE"


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


# `record=KEEP`: leave the file's install-record entry as it is.
KEEP: Any = _Keep()


class FileEdit:
    """`before`/`after` are the file's text, None meaning the file is absent."""

    __slots__ = ("path", "before", "after", "what", "mode", "follow", "backup", "generated", "record",
                 "remove_dirs", "drop_backup", "details")

    def __init__(
        self,
        path: Path,
        before: Optional[str],
        after: Optional[str],
        what: str,
        mode: Optional[int] = None,
        follow: bool = False,
        backup: bool = True,
        generated: bool = False,
        record: Any = KEEP,
        remove_dirs: Optional[list[str]] = None,
        drop_backup: bool = False,
        details: Optional[list[str]] = None,
    ) -> None:
        self.path = Path(path)
        self.before, self.after = before, after
        self.what = what  # e.g. "rc block", "Codex profile quick"
        self.mode = mode  # for a file we create
        self.follow = follow  # write through a symlink (the user said so)
        self.backup = backup  # False for files wholly ours: a backup of those is clutter
        self.generated = generated  # wholly rendered by us: a dry run summarises, no full diff
        # The routing.edits.record entry to store once written: a dict, None to
        # forget the file, KEEP to leave it. Uninstall deletes (not empties) a file we created.
        self.record = record
        self.remove_dirs = list(remove_dirs or [])  # after removing the file: rmdir these, deepest first
        self.drop_backup = drop_backup  # the planner found <file>.modelroute-backup redundant: delete it
        self.details = list(details or [])  # plain lines: what this change means for the user

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def touches(self) -> bool:
        """The file exists before or after: worth a line in the plan (absent and staying so is not)."""
        return self.before is not None or self.after is not None

    @property
    def status(self) -> str:
        if not self.changed:
            return NO_CHANGE
        if self.after is None:
            return REMOVED
        return CREATED if self.before is None else MODIFIED

    def diff(self) -> str:
        if not self.changed:
            return ""
        if self.generated and self.after is not None:
            n = self.after.count("\n")
            return f"--- {self.path}\n+++ {self.path}\n# {self.what}: {n} generated lines ({self.status})\n"
        return fileops.unified_diff(self.path, self.before, self.after)

    def apply(self) -> None:
        """Write the change; raises fileops.FileOpsError naming the file on failure.

        The file must still hold what the plan read: a program that wrote it in
        between (Claude Code's `/model`, an editor) is never overwritten.
        """
        if not self.changed:
            return
        now = fileops.read_text(self.path, follow=self.follow)
        if now != self.before:
            raise fileops.FileOpsError(
                f"{self.path} changed after it was read (another program wrote it); "
                "it was left as it is: run the command again"
            )
        if self.after is None:
            fileops.remove_file(self.path, follow=self.follow)
            self._remove_dirs()
        else:
            if self.backup and self.before is not None:
                fileops.backup_once(self.path, follow=self.follow)
            fileops.atomic_write(self.path, self.after, mode=self.mode, follow=self.follow)
        self._drop_backup()
        self._update_record()

    def _update_record(self) -> None:
        from routing.edits import record as install_record

        if self.record is not KEEP:
            install_record.put(self.path, self.record)

    def _drop_backup(self) -> None:
        """Uninstall put the original back: its backup is now just a stray copy."""
        backup = fileops.backup_path(self.path)
        try:
            if self.drop_backup or (self.after is not None and fileops.read_text(backup) == self.after):
                fileops.remove_file(backup)
        except fileops.FileOpsError:
            pass  # a backup we cannot read or remove is harmless where it is

    def _remove_dirs(self) -> None:
        for d in self.remove_dirs:  # deepest first; stop at the first that holds something else
            try:
                os.rmdir(d)
            except OSError:
                break


class Skipped:
    """A file we will not touch, and why: reported, and the rest of the work goes on.

    `failed` marks a refusal the user has to act on (the run exits non-zero);
    without it the file is simply kept, and the reason says why."""

    def __init__(self, path: Path, reason: str, failed: bool = False) -> None:
        self.path, self.reason, self.failed = path, reason, failed

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def missing_dirs(path: Path) -> list[str]:
    """Directories that writing `path` would create, deepest first (for `remove_dirs` later)."""
    out = []
    d = Path(path).parent
    while not d.exists() and d != d.parent:
        out.append(str(d))
        d = d.parent
    return out


def created_record(path: Path) -> dict[str, Any]:
    """The install-record entry for a file install creates: uninstall deletes it and the dirs made for it."""
    return {"created": True, "dirs": missing_dirs(path)}


def dirs_made_for(path: Path) -> list[str]:
    """The directories install created for `path` (from the install record), deepest first."""
    from routing.edits import record as install_record

    dirs = (install_record.get(path) or {}).get("dirs")
    return [str(d) for d in dirs] if isinstance(dirs, list) else []


class TreeRemoval:
    """`route uninstall --purge`: a directory (or file) of modelroute's own, removed whole.

    It answers like a FileEdit (`changed`, `status`, `diff`, `apply`), so a plan holds both."""

    def __init__(self, path: Path, what: str, remove_dirs: Optional[list[str]] = None) -> None:
        self.path, self.what = Path(path), what
        self.details: list[str] = []
        self.exists = os.path.lexists(self.path)  # a plan is a snapshot, like a FileEdit's `before`
        self.remove_dirs = list(remove_dirs or [])  # then rmdir these while empty, deepest first

    @property
    def changed(self) -> bool:
        return self.exists

    @property
    def touches(self) -> bool:
        return self.changed

    @property
    def status(self) -> str:
        return REMOVED if self.changed else NO_CHANGE

    def diff(self) -> str:
        return f"--- {self.path}\n+++ /dev/null\n# {self.what}: removed with everything in it\n" if self.changed else ""

    def apply(self) -> None:
        import shutil

        try:
            if self.path.is_dir() and not self.path.is_symlink():
                shutil.rmtree(self.path)
            elif os.path.lexists(self.path):
                self.path.unlink()
        except OSError as e:
            raise fileops.FileOpsError(f"cannot remove {self.path}: {e.strerror or e}") from None
        for d in self.remove_dirs:
            try:
                os.rmdir(d)
            except OSError:
                break
