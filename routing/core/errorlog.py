"""errors.log: where the hooks put what went wrong, since they must never show it.

File: `$XDG_STATE_HOME/modelroute/errors.log` (0600, directory 0700), one line
per error: `<UTC time> <pid> <where>: <what>`. Never holds prompt text. It is
capped: past MAX_BYTES it is moved to `errors.log.1` (replacing the older one),
so the two files together stay under 2 x MAX_BYTES. Deleting either is safe.

`log()` never raises: a logger that can fail would break the fail-open promise.
"""

from __future__ import annotations

import os
import time

from routing.core import paths

MAX_BYTES = 256 * 1024
NAME = "errors.log"


def log_path() -> str:
    return os.path.join(paths.state_dir_str(), NAME)


def ensure_dir(path: str) -> None:
    """Create our state dir 0700 (parents at most 0755); refuse a symlink or another user's (paths.private_dir)."""
    paths.private_dir(path)


def describe(exc: BaseException) -> str:
    """`Type: message (file:line)` of the innermost frame, without importing traceback."""
    where = ""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        where = f" ({os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno})"
    return f"{type(exc).__name__}: {exc}{where}"


def log(where: str, what: object) -> None:
    """Append one line; an exception is described with its type and innermost frame."""
    try:
        text = describe(what) if isinstance(what, BaseException) else str(what)
        text = " ".join(text.split())[:2000]  # one line, bounded
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        line = f"{stamp} {os.getpid()} {where}: {text}\n".encode("utf-8", "replace")
        path = log_path()
        ensure_dir(os.path.dirname(path))
        try:
            if os.stat(path).st_size + len(line) > MAX_BYTES:
                os.replace(path, path + ".1")
        except FileNotFoundError:
            pass
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    except Exception:
        pass
