"""`route doctor`'s check of the state store: readable, lockable, private, and where it should be."""

from __future__ import annotations

import os
import stat
from typing import Callable

from routing.core import paths
from routing.core.checks import FAIL, OK, WARN, Check
from routing.state import store


def _private(path: str, want: int, problems: list[str], fixes: list[str]) -> None:
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        problems.append(f"{path} is a symlink")
        fixes.append(f"replace {path} with a real directory of your own")
    elif st.st_uid != os.getuid():
        problems.append(f"{path} belongs to uid {st.st_uid}, not you")
        fixes.append(f"chown {os.getuid()} {path}")
    elif stat.S_IMODE(st.st_mode) & 0o077:
        problems.append(f"{path} is readable by others")
        fixes.append(f"chmod {want:o} {path}")


def check_state() -> Check:
    name = "state file"
    d = store.state_dir()
    home_note = paths.home_problem()
    if home_note:
        return Check(name, WARN, home_note, "set HOME to your home directory")
    if not os.path.lexists(d):
        return Check(name, OK, f"no state yet ({d} appears with the first routed prompt)")
    problems: list[str] = []
    fixes: list[str] = []
    folder = store.sessions_dir()
    bad = 0
    try:
        _private(d, 0o700, problems, fixes)
        if os.path.lexists(folder):
            _private(folder, 0o700, problems, fixes)
            with os.scandir(folder) as it:
                records = [e.path for e in it if e.name.endswith(".json") and not e.name.startswith(".")]
            for path in records:
                try:
                    store._read_record(path)
                except store.NewerStateError:
                    pass
                except (ValueError, OSError):
                    bad += 1
                if stat.S_IMODE(os.lstat(path).st_mode) & 0o077:
                    problems.append(f"{path} is readable by others")
                    fixes.append(f"chmod 600 {folder}/*.json")
                    break
    except OSError as e:
        return Check(name, FAIL, f"cannot read {folder}: {e.strerror or e}", f"chmod 700 {d} {folder}; chown them to yourself")
    try:
        with store._Lock(d, 1.0) as locked:
            if not locked:
                return Check(name, FAIL, f"{store.lock_path()} is held by another process for over 1 s",
                             "find it with `fuser` or `lsof` on the lock file and end it")
    except OSError as e:
        return Check(name, FAIL, f"cannot lock {store.lock_path()}: {e.strerror or e}", f"chmod 700 {d}")
    if bad:
        problems.append(f"{bad} session record(s) do not parse")
        fixes.append("nothing to do: the next write to each moves it aside and starts afresh")
    if problems:
        return Check(name, WARN, "; ".join(problems), "; ".join(dict.fromkeys(fixes)))
    return Check(name, OK, f"{d} readable, lockable, private")


def checks() -> list[tuple[str, Callable[[], Check]]]:
    return [("state file", check_state)]
