"""Hand net-tools style arguments to the system `route` binary.

`route` is also the old net-tools command that prints the kernel routing
table. A person who types `route -n` must still get that table, so any
argument list that looks like net-tools is run through unchanged.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # every command but `route status` imports this module first: keep it to os and sys
    from typing import Sequence

# First arguments that only net-tools `route` takes.
_NET_TOOLS_WORDS = frozenset({"add", "del", "delete", "flush", "-A", "-C", "-F", "-e", "-ee", "-n", "-v", "-net", "-host", "--numeric", "--extend", "--verbose", "--fib", "--cache", "-4", "-6", "--inet", "--inet6"})
_SYSTEM_DIRS = ("/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin")


def is_net_tools_call(argv: Sequence[str]) -> bool:
    return bool(argv) and argv[0] in _NET_TOOLS_WORDS


def system_route() -> str | None:
    """The net-tools binary, never ourselves (we may be earlier on PATH)."""
    me = os.path.realpath(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    for d in _SYSTEM_DIRS:
        cand = os.path.join(d, "route")
        if os.access(cand, os.X_OK) and os.path.realpath(cand) != me and not is_ours(cand):
            return cand
    import shutil

    found = shutil.which("route")
    if found and os.path.realpath(found) != me and not is_ours(found):
        return found
    return None


def is_ours(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(512)
    except OSError:
        return False
    return b"routing.cli" in head


def run(argv: Sequence[str]) -> int:
    """Replace this process with the system `route`; returns only on failure."""
    binary = system_route()
    if binary is None:
        sys.stderr.write(
            "route: these look like net-tools arguments, but no system `route` binary was found.\n"
            "       Try `ip route` instead, or install net-tools. For modelroute, see `route --help`.\n"
        )
        return 127
    try:
        os.execv(binary, [binary, *argv])
    except OSError as e:
        sys.stderr.write(f"route: could not run {binary}: {e}\n")
        return 126
    return 0  # not reached
