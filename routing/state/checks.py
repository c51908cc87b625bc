"""`route doctor`'s check of the state file: readable, lockable, private."""

from __future__ import annotations

import json
import stat
from typing import Callable

from routing.core import paths
from routing.core.checks import FAIL, OK, WARN, Check


def check_state() -> Check:
    name = "state file"
    d = paths.state_dir()
    f = d / "state.json"
    if not d.exists():
        return Check(name, OK, f"no state yet ({d} appears with the first routed prompt)")
    problems = []
    fixes = []
    try:
        if stat.S_IMODE(d.stat().st_mode) & 0o077:
            problems.append(f"{d} is readable by others")
            fixes.append(f"chmod 700 {d}")
        if f.exists():
            if stat.S_IMODE(f.stat().st_mode) & 0o077:
                problems.append(f"{f} is readable by others")
                fixes.append(f"chmod 600 {f}")
            json.loads(f.read_text(encoding="utf-8"))
    except ValueError:
        return Check(name, WARN, f"{f} is not valid JSON", "nothing to do: the next write moves it aside and starts afresh")
    except OSError as e:
        return Check(name, FAIL, f"cannot read {f}: {e.strerror or e}", f"chmod 600 {f}; chown it to yourself")
    try:
        import filelock

        with filelock.FileLock(str(d / "state.json.lock"), timeout=1.0):
            pass
    except filelock.Timeout:
        return Check(name, FAIL, f"{d / 'state.json.lock'} is held by another process for over 1 s",
                     "find it with `fuser` or `lsof` on the lock file and end it")
    except OSError as e:
        return Check(name, FAIL, f"cannot lock {d / 'state.json.lock'}: {e.strerror or e}", f"chmod 700 {d}")
    if problems:
        return Check(name, WARN, "; ".join(problems), "; ".join(fixes))
    return Check(name, OK, f"{f if f.exists() else d} readable, lockable, private")


def checks() -> list[tuple[str, Callable[[], Check]]]:
    return [("state file", check_state)]
