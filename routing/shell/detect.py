"""Which shell the user has: the one detector install, doctor and `route init` share.

`detect` answers "which shell to wire": the interactive shell the user is
typing in, else their login shell. `calling_shell` answers "which shell will
run this output": the nearest shell ancestor, for `route init` without a name.

`./install.sh` runs under a bash *script* and `route install` under Python,
so the nearest shell ancestor is not necessarily the user's. Walk up the
process tree (psutil) skipping our own interpreter and shells running a
script or `-c`; the first interactive shell wins. Anything else in between
(a terminal, tmux, pytest) ends the walk, and $SHELL, then the passwd
entry, decide.
"""

from __future__ import annotations

import os
from typing import Iterable, Mapping, Optional, Sequence

SUPPORTED = ("bash", "zsh", "fish")
_SCRIPT_SHELLS = ("sh", "dash", "ash", "ksh", "bash", "zsh", "fish")
_INTERPRETERS = ("python", "python3")


def shell_name(program: str) -> str:
    """'-zsh', '/usr/bin/zsh', 'zsh5' -> 'zsh' (login shells have a leading dash)."""
    base = os.path.basename(program).lstrip("-")
    for name in SUPPORTED:
        if base == name or (base.startswith(name) and base[len(name):].replace(".", "").isdigit()):
            return name
    return base


def _runs_script(cmdline: Sequence[str]) -> bool:
    """A shell started with a script file or -c is not the one the user types in."""
    for arg in cmdline[1:]:
        if arg == "-c" or (arg.startswith("-") and not arg.startswith("--") and "c" in arg[1:]):
            return True
        if arg == "--":
            return False
        if not arg.startswith("-") and not arg.startswith("+"):
            return True
    return False


def from_ancestors(ancestors: Iterable[tuple[str, Sequence[str]]]) -> Optional[str]:
    """Given (name, cmdline) of each ancestor, nearest first: the interactive shell, or None."""
    for name, cmdline in ancestors:
        sh = shell_name(cmdline[0] if cmdline else name)
        if sh not in SUPPORTED:
            sh = shell_name(name)
        if sh in SUPPORTED or sh in _SCRIPT_SHELLS:
            if sh in SUPPORTED and not _runs_script(cmdline):
                return sh
            continue  # a script shell (install.sh): look further up
        if _is_route(name, cmdline):
            continue  # route itself (a wrapper process), or pipx running it
        return None
    return None


def _is_route(name: str, cmdline: Sequence[str]) -> bool:
    ours = ("route", "modelroute", "pipx")
    if name in ours:
        return True
    if os.path.basename(name).startswith(_INTERPRETERS) and len(cmdline) > 1:
        return os.path.basename(cmdline[1]) in ours or list(cmdline[1:3]) == ["-m", "routing"]
    return False


def _ancestors() -> list[tuple[str, Sequence[str]]]:
    try:
        import psutil

        out = []
        proc = psutil.Process().parent()
        while proc is not None and proc.pid > 1 and len(out) < 12:
            try:
                out.append((proc.name(), proc.cmdline()))
            except (psutil.AccessDenied, psutil.ZombieProcess):
                out.append((proc.name(), []))
            proc = proc.parent()
        return out
    except Exception:  # psutil missing or the process table unreadable: use $SHELL
        return []


def calling_shell(environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The nearest bash, zsh or fish above us, script or not: the one that will run
    what `route init` prints (`eval "$(route init)"`, `zsh -c 'route init'`); else $SHELL."""
    for name, cmdline in _ancestors():
        sh = shell_name(cmdline[0] if cmdline else name)
        if sh not in SUPPORTED:
            sh = shell_name(name)
        if sh in SUPPORTED:
            return sh
    env = os.environ if environ is None else environ
    name = shell_name(env.get("SHELL", ""))
    return name if name in SUPPORTED else None


def detect(environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """bash, zsh or fish; None when the user's shell is none of those."""
    env = os.environ if environ is None else environ
    found = from_ancestors(_ancestors())
    if found:
        return found
    for program in (env.get("SHELL", ""), _passwd_shell()):
        if program:
            name = shell_name(program)
            return name if name in SUPPORTED else None
    return None


def _passwd_shell() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_shell
    except (ImportError, KeyError):
        return ""
