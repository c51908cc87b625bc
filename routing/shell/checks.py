"""`route doctor`'s check of the shell set-up: is the init loaded here, and up to date?"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Callable

from routing.core.checks import OK, WARN, Check


def check_shell_init() -> Check:
    name = "shell init"
    from routing.shell import detect as login_shell
    from routing.shell import setup as shell_setup

    loaded = os.environ.get(shell_setup.LOADED_VAR)
    shell = loaded if loaded in login_shell.SUPPORTED else login_shell.detect()
    if shell is None:
        if os.environ.get("ROUTE_SHELL_SESSION"):
            return Check(name, OK, "loaded in this shell (by hand: eval \"$(route init ...)\")")
        return Check(name, WARN, "not loaded, and the shell is not bash, zsh or fish",
                     "eval \"$(route init bash)\" in your rc file, adapted to your shell")
    installed = shell_setup.fish_conf_file() if shell == "fish" else shell_setup.init_file(shell)
    stale = _stale_init(shell, installed)
    if stale:
        return Check(name, WARN, stale, f"route install --shell --login-shell {shell}")
    if loaded:
        return Check(name, OK, f"loaded in this shell ({loaded}), up to date")
    if os.environ.get("ROUTE_SHELL_SESSION"):
        return Check(name, OK, "loaded in this shell (by hand: eval \"$(route init ...)\")")
    if installed.exists():
        how = "exec fish" if shell == "fish" else f"exec {shell}"
        return Check(name, WARN, f"installed for {shell} but not loaded in this shell", f"open a new terminal, or run `{how}`")
    return Check(name, WARN, f"not installed for {shell}", "route install --shell")


def _stale_init(shell: str, installed: Path) -> str:
    """Why the rendered init no longer matches what `route init` prints now, or ''."""
    from routing.shell import setup as shell_setup

    try:
        current = installed.read_text(encoding="utf-8")
    except OSError:
        return ""
    try:
        fresh = shell_setup.installed_text(shell, current)
    except (RuntimeError, OSError, subprocess.SubprocessError):
        return ""
    if current == fresh:
        return ""
    return f"{installed} is out of date (config or modelroute changed since it was rendered)"


def checks() -> list[tuple[str, Callable[[], Check]]]:
    return [("shell init", check_shell_init)]
