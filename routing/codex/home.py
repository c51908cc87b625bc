"""Where the Codex CLI keeps its files: `$CODEX_HOME`, else `~/.codex`."""

from __future__ import annotations

import os
from typing import Mapping, Optional

from routing.core import paths


def codex_home(environ: Optional[Mapping[str, str]] = None) -> str:
    env = os.environ if environ is None else environ
    value = env.get("CODEX_HOME", "").strip()
    if not value:
        return os.path.join(paths.home_str(), ".codex")
    return os.path.abspath(os.path.expanduser(value))


def sessions_dir() -> str:
    """Where Codex writes its rollouts (`sessions/YYYY/MM/DD/rollout-*.jsonl`)."""
    return os.path.join(codex_home(), "sessions")


def present() -> bool:
    """Codex is installed (on PATH) or has been used (its home exists)."""
    import shutil

    return shutil.which("codex") is not None or os.path.isdir(codex_home())
