"""Reading the state the way scripts do, without knowing the store's file format."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional


def record(session_id: str, env: Optional[dict[str, str]] = None) -> Optional[dict[str, Any]]:
    """`route status --session ID --json`: the record, or None when the session is unknown."""
    proc = subprocess.run([sys.executable, "-m", "routing", "status", "--session", session_id, "--json"],
                          capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=60)
    assert proc.returncode in (0, 1), proc.stderr
    out = json.loads(proc.stdout)
    assert (out is None) == (proc.returncode == 1)
    return out  # type: ignore[no-any-return]


def all_text(state_dir: str | Path) -> str:
    """Every byte the state dir holds, as text (to show that no prompt text is at rest)."""
    out = []
    for folder, _, files in os.walk(state_dir):
        for name in files:
            out.append(Path(folder, name).read_bytes().decode("utf-8", "replace"))
    return "\n".join(out)


def all_records(env: Optional[dict[str, str]] = None) -> dict[str, dict[str, Any]]:
    """Every session kept, by id, read through the store under `env`'s HOME and XDG dirs."""
    from routing.state import store

    saved = {k: os.environ.get(k) for k in ("HOME", "XDG_STATE_HOME")}
    try:
        for k in saved:
            if env and k in env:
                os.environ[k] = env[k]
        return {rec.id: rec.to_dict() for rec in store.sessions()}
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
