"""Where modelroute keeps its files: the XDG base directories, resolved per call.

Resolved on every call (not at import) so tests and users can point HOME or
the XDG variables elsewhere at any time.
"""

from __future__ import annotations

import os
import stat

TYPE_CHECKING = False
if TYPE_CHECKING:  # pathlib costs the hooks ~3 ms at start-up: imported only when a Path is made
    from pathlib import Path

APP = "modelroute"
# `./install.sh --dry-run` before a first install plans from a temp build; this
# names the venv the real install will create, so plans show the paths to come.
PLAN_AS_VENV = "MODELROUTE_PLAN_AS_VENV"
PROJECT_CONFIG_NAME = ".route.toml"


def _path(p: str) -> Path:
    from pathlib import Path

    return Path(p)


# -- str forms, for the hot paths (hooks, status line) -----------------------------


def home_str() -> str:
    """The user's home: $HOME, else the passwd entry's; never a relative path.

    With neither (HOME unset in a service, no passwd entry in a container),
    `~` would stay `~` and every file would land in `./~/` of whatever
    directory the hook runs in. A private directory under the temp dir is
    used instead, and `route doctor` says so (home_problem).
    """
    home = os.environ.get("HOME", "")
    if os.path.isabs(home):
        return home
    home = os.path.expanduser("~")
    if os.path.isabs(home):
        return home
    return os.path.join(os.environ.get("TMPDIR") or "/tmp", f"modelroute-{os.getuid()}-nohome")


def home_problem() -> str:
    """Why the home directory in use is not the user's own, or ""."""
    home = os.environ.get("HOME", "")
    if os.path.isabs(home):
        return ""
    if os.path.isabs(os.path.expanduser("~")):
        return ""
    return (f"HOME is {'unset' if not home else repr(home) + ' (not absolute)'} and there is no passwd entry: "
            f"state, cache and config live in {home_str()}, a temporary place")


def _xdg(var: str, default: str) -> str:
    value = os.environ.get(var, "")
    # The XDG spec says relative paths are invalid and must be ignored.
    if value and os.path.isabs(value):
        return value
    return os.path.join(home_str(), default)


def config_dir_str() -> str:
    return os.path.join(_xdg("XDG_CONFIG_HOME", ".config"), APP)


def state_dir_str() -> str:
    return os.path.join(_xdg("XDG_STATE_HOME", ".local/state"), APP)


def user_config_file_str() -> str:
    return os.path.join(config_dir_str(), "config.toml")


def find_project_config_str(start: str | os.PathLike[str] | None = None) -> str | None:
    """The nearest trusted `.route.toml` from `start` (default: the cwd) up to the repository root or $HOME.

    The walk stops at the first directory holding `.git`, at $HOME, or at `/`.
    As git does with its safe.directory check, a file is skipped unless it is
    a regular file the user owns, in a directory the user (or root) owns that
    others cannot write to: a `.route.toml` planted in /tmp must not turn on
    enforce mode for whoever runs a prompt there.
    """
    try:
        here = os.path.realpath(start or os.getcwd())
    except (OSError, ValueError):
        return None
    home = os.path.realpath(home_str())
    while True:
        candidate = os.path.join(here, PROJECT_CONFIG_NAME)
        if os.path.lexists(candidate) and trusted_file(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here or here == home or os.path.lexists(os.path.join(here, ".git")):
            return None
        here = parent


def trusted_file(path: str) -> bool:
    """A regular file of the user's, not writable by others, in a directory only the user (or root) controls."""
    uid = os.getuid()
    try:
        st = os.stat(path)
        dst = os.stat(os.path.dirname(os.path.realpath(path)))
    except (OSError, ValueError):
        return False
    return (
        stat.S_ISREG(st.st_mode)
        and st.st_uid == uid
        and not _others_write(st)
        and dst.st_uid in (uid, 0)
        and not _others_write(dst)
    )


def _others_write(st: os.stat_result) -> bool:
    """Writable by anyone but the owner: world, or a group other than the user's own
    (umask 002 systems give each user a private group and 775 directories)."""
    return bool(st.st_mode & 0o002 or (st.st_mode & 0o020 and st.st_gid != os.getgid()))


def make_dirs(path: str, mode: int = 0o755) -> None:
    """Create `path` and its missing parents with at most `mode` (never wider than the umask allows).

    os.makedirs gives parents 0777 & ~umask, so under umask 000 every directory
    we make would be world-writable, including the one holding the init file
    every shell sources. Each directory made here is chmod'ed to mode & ~umask.
    """
    missing = []
    d = os.path.abspath(path)
    while not os.path.lexists(d):
        missing.append(d)
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    if not missing:
        return
    umask = os.umask(0)
    os.umask(umask)
    for d in reversed(missing):
        try:
            os.mkdir(d, mode)
        except FileExistsError:
            continue
        os.chmod(d, mode & ~umask)


def private_dir(path: str) -> None:
    """Make or check one of our private directories: 0700, ours, and not a symlink.

    A planted link would send our writes elsewhere; a directory someone else
    owns could be emptied or filled by them. Raises PermissionError for both.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        make_dirs(os.path.dirname(path))
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise PermissionError(f"{path} is {'a symlink' if stat.S_ISLNK(st.st_mode) else 'not a directory'}: refusing to use it")
    if st.st_uid != os.getuid():
        raise PermissionError(f"{path} belongs to uid {st.st_uid}, not to you: refusing to use it")
    if stat.S_IMODE(st.st_mode) != 0o700:
        os.chmod(path, 0o700)


def cache_dir_str() -> str:
    return os.path.join(_xdg("XDG_CACHE_HOME", ".cache"), APP)


# -- Path forms ---------------------------------------------------------------------


def home() -> Path:
    return _path(home_str())


def config_dir() -> Path:
    return _path(config_dir_str())


def state_dir() -> Path:
    return _path(state_dir_str())


def data_dir() -> Path:
    return _path(os.path.join(_xdg("XDG_DATA_HOME", ".local/share"), APP))


def cache_dir() -> Path:
    return _path(os.path.join(_xdg("XDG_CACHE_HOME", ".cache"), APP))


def user_config_file() -> Path:
    return _path(user_config_file_str())


def find_project_config(start: str | os.PathLike[str] | None = None) -> Path | None:
    """Walk up from `start` (default: the cwd) to the first `.route.toml`."""
    found = find_project_config_str(start)
    return _path(found) if found else None


def package_root() -> Path:
    """The `routing` package directory (installed, or in a source tree)."""
    from pathlib import Path

    return Path(__file__).resolve().parent.parent
