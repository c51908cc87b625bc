"""Small marshal caches in our private cache dir, for work a hook would otherwise redo on every prompt.

A repository's `.route.toml` costs a TOML parse and a rule compile (tens of
ms) before each prompt; both results are pure functions of their inputs, so
they are kept here under a key that names those inputs. Files are ours: the
dir is 0700 and refused when it is a link or another user's, entries are
read without following links and written O_EXCL|O_NOFOLLOW, and anything
damaged or unreadable is only a miss. At most KEEP entries of a kind stay.
"""

from __future__ import annotations

import marshal
import os

from routing.core import paths

MAX_BYTES = 4 << 20  # an entry is a few hundred KB at the config caps
KEEP = 16  # entries per kind (prefix): one per repository in use, roughly


def _path(kind: str, key: str) -> str:
    return os.path.join(paths.cache_dir_str(), f"{kind}-{key}.marshal")


def get(kind: str, key: str) -> object | None:
    try:
        fd = os.open(_path(kind, key), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as f:
            blob = f.read(MAX_BYTES + 1)
        return marshal.loads(blob) if len(blob) <= MAX_BYTES else None
    except Exception:  # damaged, truncated, another Python's format: a miss
        return None


def put(kind: str, key: str, value: object) -> None:
    """Store `value` (marshal-able data); never raises: a cache that cannot be written only costs speed."""
    try:
        blob = marshal.dumps(value)
        if len(blob) > MAX_BYTES:
            return
        folder = paths.cache_dir_str()
        paths.private_dir(folder)
        path = _path(kind, key)
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(tmp, path)
        _prune(folder, kind)
    except (OSError, ValueError):
        pass


def _prune(folder: str, kind: str) -> None:
    entries = []
    with os.scandir(folder) as it:
        for e in it:
            if e.name.startswith(kind + "-") and e.name.endswith(".marshal"):
                try:
                    entries.append((e.stat(follow_symlinks=False).st_mtime, e.path))
                except OSError:
                    pass
    for _, path in sorted(entries)[:-KEEP]:
        try:
            os.unlink(path)
        except OSError:
            pass
