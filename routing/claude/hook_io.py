"""The shell every hook runs in: JSON in, JSON out, exit 0 whatever happens.

Claude Code waits for each hook before it goes on, and treats exit 2 as "block"
(exit 1 as an ignored error). A bug of ours must never block a prompt, so
every failure is logged to errors.log and the hook exits 0 with no output.
"""

from __future__ import annotations

import os
import sys

from routing.core import fastjson

MAX_STDIN = 8 * 1024 * 1024  # a pasted log can be large; anything bigger is not a prompt we route


def read_payload(stream=None) -> dict:
    """The hook's stdin as a JSON object; ValueError for anything else."""
    stream = stream if stream is not None else sys.stdin.buffer
    raw = stream.read(MAX_STDIN + 1)
    if len(raw) > MAX_STDIN:
        raise ValueError(f"stdin larger than {MAX_STDIN} bytes")
    payload = fastjson.loads(raw.decode("utf-8", "replace")) if raw.strip() else None
    if not isinstance(payload, dict):
        raise ValueError(f"stdin is not a JSON object ({type(payload).__name__})")
    return payload


def emit(out: object) -> None:
    if out is None:
        return
    text = out if isinstance(out, str) else fastjson.dumps(out, ensure_ascii=False)
    sys.stdout.write(text + ("" if text.endswith("\n") else "\n"))
    sys.stdout.flush()


def run(event: str, handler) -> None:
    """Run `handler(payload) -> dict | str | None` and exit 0, logging any failure."""
    try:
        emit(handler(read_payload()))
    except BaseException as e:  # noqa: B902 - fail open on everything, even KeyboardInterrupt
        if not (isinstance(e, SystemExit) and not e.code):
            from routing.core import errorlog  # only when something failed

            errorlog.log(event, e)
    try:
        sys.stdout.flush()
    except Exception:
        pass
    # os._exit skips interpreter teardown (a few ms) and any atexit that could fail.
    os._exit(0)


def text(value: object, limit: int = 1_000_000) -> str:
    """A payload field as a string, bounded; junk becomes ''."""
    if isinstance(value, str):
        return value[:limit]
    return ""
