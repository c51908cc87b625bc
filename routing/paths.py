"""Where modelroute keeps its files: the XDG base directories, resolved per call.

Resolved on every call (not at import) so tests and users can point HOME or
the XDG variables elsewhere at any time.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "modelroute"


def home() -> Path:
    return Path(os.environ.get("HOME") or os.path.expanduser("~"))


def _xdg(var: str, default: str) -> Path:
    value = os.environ.get(var, "")
    # The XDG spec says relative paths are invalid and must be ignored.
    if value and os.path.isabs(value):
        return Path(value)
    return home() / default


def config_dir() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config") / APP


def state_dir() -> Path:
    return _xdg("XDG_STATE_HOME", ".local/state") / APP


def data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share") / APP


def cache_dir() -> Path:
    return _xdg("XDG_CACHE_HOME", ".cache") / APP


def user_config_file() -> Path:
    return config_dir() / "config.toml"


PROJECT_CONFIG_NAME = ".route.toml"


def find_project_config(start: str | os.PathLike[str] | None = None) -> Path | None:
    """Walk up from `start` (default: the cwd) to the first `.route.toml`."""
    try:
        here = Path(start or os.getcwd()).resolve()
    except OSError:
        return None
    for d in (here, *here.parents):
        candidate = d / PROJECT_CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def package_resource(name: str) -> Path:
    """Locate `hooks` or `shell`: inside the wheel, or at the top of a source tree."""
    pkg = Path(__file__).resolve().parent
    installed = pkg / f"_{name}"
    if installed.is_dir():
        return installed
    return pkg.parent / name
