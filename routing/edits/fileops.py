"""Safe edits of other programs' files: atomic, mode-keeping, backed up once.

Everything that changes a user's file (Claude settings, rc files, Codex
profiles) goes through here, so the safety rules live in one place:
- a write never leaves a half-written file (temp file in the same dir, fsync,
  os.replace) and keeps the file's permission bits;
- a symlink is never silently replaced by a regular file;
- the first version we touch is copied to `<file>.modelroute-backup`, and an
  existing backup is never overwritten;
- every failure is a FileOpsError naming the file, never a traceback.
What to write is planned first (routing.edits.plan); this module only does it.
"""

from __future__ import annotations

import difflib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Optional, Union

from routing.core import paths

BACKUP_SUFFIX = ".modelroute-backup"

PathLike = Union[str, "os.PathLike[str]"]


class FileOpsError(Exception):
    """A file we cannot safely read or write; the message names it and says what to do."""


def _describe(e: OSError) -> str:
    return e.strerror or str(e)


def _has_write_bits(st: os.stat_result) -> bool:
    # root can write anything, so for root honour the permission bits: a file
    # or dir the user made read-only is one they do not want changed.
    if os.geteuid() == 0:
        return bool(st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return True


def _check_writable(path: Path) -> None:
    parent = path.parent
    # A missing parent dir will be created: check the first ancestor that exists.
    while not os.path.lexists(parent) and parent != parent.parent:
        parent = parent.parent
    try:
        pst = os.stat(parent)
    except OSError as e:
        raise FileOpsError(f"cannot write {path}: {parent} is not accessible ({_describe(e)})") from None
    if not stat.S_ISDIR(pst.st_mode):
        raise FileOpsError(f"cannot write {path}: {parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK) or not _has_write_bits(pst):
        raise FileOpsError(
            f"cannot write {path}: the directory {parent} is read-only; "
            f"make it writable (chmod u+w {parent}) and run again"
        )
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as e:
        raise FileOpsError(f"cannot write {path}: {_describe(e)}") from None
    if not os.access(path, os.W_OK) or not _has_write_bits(st):
        raise FileOpsError(
            f"cannot write {path}: the file is read-only; "
            f"make it writable (chmod u+w {path}) and run again, or leave it as it is"
        )


def resolve_target(path: PathLike, follow: bool = False) -> Path:
    """The real file to write: refuse a symlink unless the caller opts in to following it."""
    p = Path(path)
    if p.is_symlink():
        target = os.readlink(p)
        if not follow:
            raise FileOpsError(
                f"{p} is a symlink (to {target}); refusing to replace it with a regular file. "
                f"Edit {target} directly, or replace the link with a copy and run again"
            )
        return Path(os.path.realpath(p))
    return p


def read_text(path: PathLike, follow: bool = False) -> Optional[str]:
    """The file's text, or None if it does not exist. Unreadable or non-UTF-8 -> FileOpsError."""
    p = resolve_target(path, follow)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise FileOpsError(f"{p} is a directory, expected a file") from None
    except OSError as e:
        raise FileOpsError(f"cannot read {p}: {_describe(e)}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FileOpsError(f"{p} is not UTF-8 text (byte {e.start}); refusing to edit it") from None


def atomic_write(path: PathLike, data: Union[bytes, str], mode: Optional[int] = None, follow: bool = False) -> None:
    """Replace `path` with `data` in one step, keeping its mode (or `mode` for a new file)."""
    p = resolve_target(path, follow)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    _check_writable(p)
    try:
        paths.make_dirs(str(p.parent))  # at most 0755, whatever the umask
    except OSError as e:
        raise FileOpsError(f"cannot create the directory {p.parent} for {p}: {_describe(e)}") from None
    try:
        keep = stat.S_IMODE(os.stat(p).st_mode)
    except FileNotFoundError:
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            keep = 0o666 & ~umask
        else:
            keep = mode
    except OSError as e:
        raise FileOpsError(f"cannot write {p}: {_describe(e)}") from None
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".modelroute-tmp", dir=str(p.parent))
        try:
            os.fchmod(fd, keep)
            view = memoryview(payload)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, p)
        tmp = None
        _fsync_dir(p.parent)
    except OSError as e:
        hint = ""
        if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            hint = f"; {p.parent} is not writable (read-only file system or permissions)"
        elif e.errno == errno.ENOSPC:
            hint = "; the disk is full"
        raise FileOpsError(f"cannot write {p}: {_describe(e)}{hint}. The file was not changed") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(str(d), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backup_path(path: PathLike) -> Path:
    p = Path(path)
    return p.with_name(p.name + BACKUP_SUFFIX)


def backup_once(path: PathLike, follow: bool = False) -> Optional[Path]:
    """Copy the file to `<path>.modelroute-backup` the first time; never overwrite a backup.

    Returns the new backup's path, or None when the file does not exist or a backup already does.
    """
    src = resolve_target(path, follow)
    dest = backup_path(path)
    try:
        data = src.read_bytes()
        st = os.stat(src)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise FileOpsError(f"cannot back up {src}: {_describe(e)}") from None
    try:
        # O_EXCL: an existing backup is the user's original and must survive.
        fd = os.open(str(dest), os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IMODE(st.st_mode) | stat.S_IRUSR)
    except FileExistsError:
        return None
    except OSError as e:
        raise FileOpsError(
            f"cannot back up {src} to {dest}: {_describe(e)}. Nothing was changed"
        ) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        try:
            os.unlink(dest)
        except OSError:
            pass
        raise FileOpsError(f"cannot back up {src} to {dest}: {_describe(e)}. Nothing was changed") from None
    return dest


def unified_diff(path: PathLike, old: Optional[str], new: Optional[str]) -> str:
    """A unified diff for --dry-run; None for old/new means the file is absent."""
    fromfile = str(path) if old is not None else "/dev/null"
    tofile = str(path) if new is not None else "/dev/null"
    a = _lines(old or "")
    b = _lines(new or "")
    return "".join(difflib.unified_diff(a, b, fromfile=fromfile, tofile=tofile))


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def remove_file(path: PathLike, follow: bool = False) -> None:
    """Delete a file we created; FileOpsError (never a traceback) when we cannot."""
    p = resolve_target(path, follow)
    _check_writable(p)
    try:
        p.unlink()
    except FileNotFoundError:
        return
    except OSError as e:
        raise FileOpsError(f"cannot remove {p}: {_describe(e)}") from None
