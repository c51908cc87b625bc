"""Reading files someone else controls: regular files only, and never more than a bound.

A repository's `.claude/agents/x.md` can be a symlink to /dev/tty (which a
plain read blocks on forever) and a transcript path can name /dev/zero (one
line without end: 6.7 GB of memory in 10 s). Everything here opens without
blocking, checks the file is a regular one, and reads at most `limit` bytes.
"""

from __future__ import annotations

import os
import stat


def open_regular(path: str) -> int | None:
    """A read-only descriptor on `path` if it is a regular file (links followed), else None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError, TypeError):
        return None
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def read_head(path: str, limit: int) -> bytes | None:
    """The first `limit` bytes of a regular file, or None."""
    fd = open_regular(path)
    if fd is None:
        return None
    try:
        chunks, left = [], limit
        while left > 0:
            chunk = os.read(fd, min(left, 65536))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def lines(path: str, max_line: int, max_total: int, needle: bytes = b""):
    """Yield the lines of a regular file (bytes, with their newline) up to `max_total` bytes read.

    A line longer than `max_line` is skipped whole, without being held in
    memory; with `needle`, only lines containing it are yielded.
    """
    fd = open_regular(path)
    if fd is None:
        return
    try:
        with os.fdopen(fd, "rb", closefd=True) as f:
            seen, skipping = 0, False
            while seen < max_total:
                raw = f.readline(max_line)
                if not raw:
                    return
                seen += len(raw)
                whole = raw.endswith(b"\n")
                if skipping or (not whole and len(raw) >= max_line):
                    skipping = not whole  # the rest of an over-long line
                    continue
                if not needle or needle in raw:
                    yield raw
    except OSError:
        return
