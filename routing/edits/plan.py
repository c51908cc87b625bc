"""A planned change to one user file: its text before and after, applied through fileops.

Install and uninstall first *plan* every edit (read, compute: no writes), so
--dry-run can print the diffs, an interactive run can ask before writing, and
a second run can say "already installed" without touching a byte.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from routing.edits import fileops


class FileEdit:
    """`before`/`after` are the file's text, None meaning the file is absent."""

    __slots__ = ("path", "before", "after", "what", "mode", "follow", "backup", "generated", "record")

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
        record: str = "",
    ) -> None:
        self.path = Path(path)
        self.before, self.after = before, after
        self.what = what  # e.g. "rc block", "Codex profile quick"
        self.mode = mode  # for a file we create
        self.follow = follow  # write through a symlink (the user said so)
        self.backup = backup  # False for files wholly ours: a backup of those is clutter
        self.generated = generated  # wholly rendered by us: a dry run summarises, no full diff
        # "install": remember in routing.edits.record that we created the file;
        # "uninstall": forget it. Uninstall deletes (not empties) a file we created.
        self.record = record

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def action(self) -> str:
        if not self.changed:
            return "unchanged"
        if self.after is None:
            return "removed"
        return "created" if self.before is None else "updated"

    def diff(self) -> str:
        if self.generated and self.after is not None:
            n = self.after.count("\n")
            return f"--- {self.path}\n+++ {self.path}\n# {self.what}: {n} generated lines ({self.action})\n"
        return fileops.unified_diff(self.path, self.before, self.after)

    def apply(self) -> fileops.Change:
        """Write the change; raises fileops.FileOpsError naming the file on failure."""
        if not self.changed:
            return fileops.Change(self.path, fileops.NO_CHANGE, f"already installed ({self.what})")
        if self.backup or self.after is None:
            change = fileops.write_change(
                self.path, self.before, self.after, mode=self.mode, follow=self.follow, note=self.what
            )
            self._drop_redundant_backup()
            self._update_record()
            return change
        fileops.atomic_write(self.path, self.after, mode=self.mode, follow=self.follow)
        return fileops.Change(self.path, fileops.MODIFIED, self.what, self.diff())

    def _update_record(self) -> None:
        from routing.edits import record as install_record

        if self.record == "install" and self.before is None:
            install_record.put(self.path, {"created": True})
        elif self.record == "uninstall":
            install_record.put(self.path, None)

    def _drop_redundant_backup(self) -> None:
        """Uninstall put the original back: its backup is now just a stray copy."""
        if self.after is None:
            return
        backup = fileops.backup_path(self.path)
        try:
            if fileops.read_text(backup) == self.after:
                fileops.remove_file(backup)
        except fileops.FileOpsError:
            pass  # a backup we cannot read or remove is harmless where it is


class Skipped:
    """A file we will not touch, and why: reported, and the rest of the work goes on."""

    def __init__(self, path: Path, reason: str, failed: bool = False) -> None:
        self.path, self.reason, self.failed = path, reason, failed

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
