"""The state store: one small file per session, so a write costs the same with 1 or 2,000 sessions kept.

Files, under `$XDG_STATE_HOME/modelroute/` (directories 0700, files 0600):

    sessions/<key>.json   one session's record (routing.state.session.Session), as
                          {"version": 2, "session_id": "<id>", <fields>...};
                          <key> is a digest of the id, so any id is a safe file name
    last                  the id of the session written last (for `route status`)
    status                the shell prompt's one-line cache of that session:
                          `<tier> <escalations> <source> <session_id>\\n`
    state.lock            the writers' lock

Writers take an exclusive flock on `state.lock` (the lock filelock's
UnixFileLock takes, without its ~30 ms import), read the one record they
change, and replace it atomically (temp file, fsync, os.replace), so readers
never lock and never see half a file. The lock is held for about a
millisecond whatever the number of sessions, and a writer that cannot get it
within LOCK_TIMEOUT skips (and logs) or, for hooks, hands the write to a
detached process that waits up to DEFER_TIMEOUT, so the user never waits and
counts stay exact under load.

A record that does not parse is moved aside to `<key>.json.corrupt-<UTC
time>`, never overwritten; one written by a newer modelroute is left alone.
Sessions unseen for PRUNE_DAYS, and the oldest beyond MAX_SESSIONS, are
dropped (file mtime is the last write). Deleting any of these files is safe:
it only loses counts. No file holds prompt text.

Version 1 kept every session in one `state.json`, rewritten whole on every
change (167 ms a write at the cap). The first write after an upgrade splits it
into records and keeps the old file as `state.json.migrated`; until then
readers fall back to it.
"""

from __future__ import annotations

import os
import time

from routing.core import fastjson, paths
from routing.core.tiers import TIERS
from routing.state.session import Session

try:
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - builds without the _blake2 module
    from hashlib import blake2b as _blake2b

VERSION = 2
LEGACY_VERSION = 1
PRUNE_DAYS = 30
MAX_SESSIONS = 2000
LOCK_TIMEOUT = 0.1
DEFER_TIMEOUT = 10.0  # how long a deferred write (see update) may wait for the lock
PRUNE_EVERY = 3600.0  # seconds between sweeps for stale sessions and dead writers' temp files
TIERS = TIERS
SESSIONS_NAME = "sessions"
LOCK_NAME = "state.lock"
LAST_NAME = "last"
STATUS_NAME = "status"
LEGACY_NAME = "state.json"
_PRUNED = ".pruned"  # in sessions/: its mtime is the last sweep
MAX_RECORD_BYTES = 1 << 20  # a record is a few hundred bytes: anything this big is not ours

class NewerStateError(Exception):
    """The record was written by a newer modelroute: leave it alone."""


def state_dir() -> str:
    return paths.state_dir_str()


def sessions_dir() -> str:
    return os.path.join(state_dir(), SESSIONS_NAME)


def status_path() -> str:
    return os.path.join(state_dir(), STATUS_NAME)


def legacy_path() -> str:
    return os.path.join(state_dir(), LEGACY_NAME)


def record_name(session_id: str) -> str:
    return _blake2b(session_id.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest() + ".json"


def record_path(session_id: str) -> str:
    return os.path.join(sessions_dir(), record_name(session_id))


# -- reading (no lock: files are replaced whole) -------------------------------------


def _parse(raw: bytes, session_id: str | None = None) -> Session:
    """The record in `raw`; ValueError if it is not ours, NewerStateError if too new."""
    doc = fastjson.loads(raw)
    if not isinstance(doc, dict):
        raise ValueError("not a modelroute session record")
    version = doc.pop("version", None)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValueError("no version")
    if version > VERSION:
        raise NewerStateError(f"session record version {version} is newer than this modelroute ({VERSION})")
    if version < VERSION:
        raise ValueError(f"unknown old version {version}")
    sid = doc.pop("session_id", None)
    if not isinstance(sid, str) or (session_id is not None and sid != session_id):
        raise ValueError("the record names another session")
    return Session.from_dict(sid, doc)


def _read_bytes(path: str) -> bytes:
    # O_NOFOLLOW and a size bound: a planted link or a huge file is not a record.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > MAX_RECORD_BYTES:
                raise ValueError(f"over {MAX_RECORD_BYTES} bytes")
            chunks.append(chunk)
    finally:
        os.close(fd)


def _read_record(path: str, session_id: str | None = None) -> Session:
    """FileNotFoundError when missing; ValueError/OSError when unusable; NewerStateError."""
    return _parse(_read_bytes(path), session_id)


def read(session_id: str) -> Session | None:
    """One session's record, or None (never raises: the hooks call this before every prompt)."""
    if not isinstance(session_id, str) or not session_id:
        return None
    try:
        return _read_record(record_path(session_id), session_id)
    except FileNotFoundError:
        return _legacy_sessions().get(session_id) if os.path.exists(legacy_path()) else None
    except Exception:  # corrupt, newer, unreadable: the next write deals with it and logs
        return None


def last() -> Session | None:
    """The session written last, or None."""
    try:
        with open(os.path.join(state_dir(), LAST_NAME), "rb") as f:
            sid = f.read(4096).decode("utf-8", "surrogatepass").rstrip("\n")
    except FileNotFoundError:
        legacy = _legacy()
        sid = legacy.get("last_session") if legacy else None
    except (OSError, UnicodeDecodeError):
        return None
    return read(sid) if isinstance(sid, str) and sid else None


def sessions() -> list[Session]:
    """Every session kept, newest first. Read-only: a damaged record is skipped, not moved."""
    found: dict[str, Session] = dict(_legacy_sessions()) if os.path.exists(legacy_path()) else {}
    try:
        with os.scandir(sessions_dir()) as it:
            names = [e.path for e in it if e.name.endswith(".json") and not e.name.startswith(".")]
    except OSError:
        names = []
    for path in names:
        try:
            rec = _read_record(path)
        except Exception:
            continue
        found[rec.id] = rec
    return sorted(found.values(), key=lambda r: r.last_seen, reverse=True)


def _legacy() -> dict | None:
    """Version 1's whole document, or None."""
    try:
        doc = fastjson.loads(_read_bytes(legacy_path()))
    except Exception:
        return None
    if not isinstance(doc, dict) or doc.get("version") != LEGACY_VERSION or not isinstance(doc.get("sessions"), dict):
        return None
    return doc


def _legacy_sessions() -> dict[str, Session]:
    doc = _legacy()
    if doc is None:
        return {}
    return {str(sid): Session.from_dict(str(sid), rec) for sid, rec in doc["sessions"].items() if isinstance(rec, dict)}


# -- locking ---------------------------------------------------------------


class _Lock:
    """Exclusive flock on state.lock, polled for at most `timeout` seconds.

    `with _Lock(dir, t) as ok:` -- ok is False when the lock was not acquired.
    """

    def __init__(self, directory: str, timeout: float) -> None:
        self.path = os.path.join(directory, LOCK_NAME)
        self.timeout = timeout
        self.fd = -1
        self._fallback = None

    def __enter__(self) -> bool:
        try:  # Unix. Imported here, like errorlog below: a hook's own process only reads,
            # and its writes happen in the detached child (update_detached).
            import fcntl as _fcntl
        except ImportError:  # pragma: no cover - Windows falls back to filelock
            _fcntl = None  # type: ignore[assignment]
        if _fcntl is None:  # pragma: no cover
            import filelock

            self._fallback = filelock.FileLock(self.path, timeout=self.timeout)
            try:
                self._fallback.acquire()
                return True
            except filelock.Timeout:
                self._fallback = None
                return False
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        deadline = time.monotonic() + self.timeout
        delay = 0.0005
        while True:
            try:
                _fcntl.flock(self.fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB)
                return True
            except (BlockingIOError, PermissionError):
                left = deadline - time.monotonic()
                if left <= 0:
                    os.close(self.fd)
                    self.fd = -1
                    return False
                time.sleep(min(delay, left))
                delay = min(delay * 2, 0.002)

    def __exit__(self, *exc: object) -> None:
        if self._fallback is not None:  # pragma: no cover
            self._fallback.release()
        if self.fd >= 0:
            os.close(self.fd)  # closing releases the flock
            self.fd = -1


SECRET_NAME = "secret"
SECRET_BYTES = 32


def secret() -> bytes:
    """This install's random key (`secret`, 0600), for digests that must not be reversible.

    The prompt hash lets enforce mode recognise a prompt sent again; unkeyed,
    short prompts ("ok", "continue") were recovered from it by dictionary.
    Created once, published with link() so concurrent first writers agree.
    Without a usable state dir, a key for this process only (nothing is stored then).
    """
    path = os.path.join(state_dir(), SECRET_NAME)
    for _ in range(3):
        try:
            key = _read_bytes(path)
            if len(key) >= SECRET_BYTES:
                return key[:SECRET_BYTES]
            time.sleep(0.001)  # another process is writing it
            continue
        except FileNotFoundError:
            pass
        except (OSError, ValueError):
            break
        try:
            from routing.core import errorlog

            errorlog.ensure_dir(state_dir())
            tmp = f"{path}.tmp-{os.getpid()}-{time.monotonic_ns() % 1000000}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            try:
                os.write(fd, os.urandom(SECRET_BYTES))
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, path)  # fails if another process published first: theirs wins
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
        except OSError:
            break
    return os.urandom(SECRET_BYTES)


def lock_path() -> str:
    return os.path.join(state_dir(), LOCK_NAME)


# -- writing ---------------------------------------------------------------


def _write_atomic(path: str, data: bytes, sync: bool = True) -> None:
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.tmp-{os.getpid()}-{time.monotonic_ns() % 1000000}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _encode(rec: Session) -> bytes:
    return fastjson.dumps({"version": VERSION, "session_id": rec.id, **rec.to_dict()}).encode("ascii")


def _move_aside(path: str, why: object) -> None:
    from routing.core import errorlog

    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    dest = f"{path}.corrupt-{stamp}"
    if os.path.exists(dest):
        dest = f"{dest}-{os.getpid()}"
    try:
        os.replace(path, dest)
        errorlog.log("state", f"unusable {path} moved to {dest}: {errorlog.describe(why) if isinstance(why, BaseException) else why}")
    except FileNotFoundError:
        pass
    except OSError as e:
        errorlog.log("state", f"unusable {path} could not be moved aside: {e}")


def status_line(rec: Session | None) -> str:
    """The status cache's one line for a session, or "" when there is none."""
    if rec is None:
        return ""
    tier = rec.tier if rec.tier in TIERS else "-"
    source = "".join(rec.source.split()) or "-"
    return f"{tier} {rec.escalations} {source} {'_'.join(rec.id.split()) or '-'}\n"


def _write_small(path: str, text: str) -> None:
    """Replace a small cache file unless it already says `text` (the prompt segment watches its mtime)."""
    try:
        with open(path, "rb") as f:
            if f.read(8192) == text.encode("utf-8", "surrogatepass"):
                return
    except OSError:
        pass
    _write_atomic(path, text.encode("utf-8", "surrogatepass"), sync=False)


def _sweep(folder: str, now: float, created: bool) -> None:
    """Drop stale sessions, the oldest beyond MAX_SESSIONS, and dead writers' temp files.

    Runs under the lock, at most every PRUNE_EVERY seconds, or when a new
    session may have passed the cap; otherwise a write costs one stat here.
    """
    stamp = os.path.join(folder, _PRUNED)
    try:
        due = now - os.stat(stamp).st_mtime > PRUNE_EVERY
    except OSError:
        due = True
    if not due and not (created and len(os.listdir(folder)) > MAX_SESSIONS + 1):
        return
    cutoff = now - PRUNE_DAYS * 86400
    kept: list[tuple[float, str]] = []
    with os.scandir(folder) as it:
        for entry in it:
            try:
                mtime = entry.stat(follow_symlinks=False).st_mtime
                if entry.name.startswith(".") and ".tmp-" in entry.name:
                    if now - mtime > 60:
                        os.unlink(entry.path)
                elif entry.name.endswith(".json"):
                    if mtime < cutoff:
                        os.unlink(entry.path)
                    else:
                        kept.append((mtime, entry.path))
            except OSError:
                pass
    kept.sort()
    for _, path in kept[: max(0, len(kept) - MAX_SESSIONS)]:
        try:
            os.unlink(path)
        except OSError:
            pass
    _write_atomic(stamp, b"", sync=False)


def _migrate(directory: str, folder: str) -> None:
    """Split version 1's state.json into records (under the lock), keeping it as state.json.migrated."""
    legacy = os.path.join(directory, LEGACY_NAME)
    if not os.path.exists(legacy):
        return
    try:
        doc = fastjson.loads(_read_bytes(legacy))
    except Exception as e:
        _move_aside(legacy, e)
        return
    if isinstance(doc, dict) and isinstance(doc.get("version"), int) and doc["version"] > LEGACY_VERSION:
        return  # not ours to split
    if not isinstance(doc, dict) or doc.get("version") != LEGACY_VERSION or not isinstance(doc.get("sessions"), dict):
        _move_aside(legacy, "not a modelroute state document")
        return
    for sid, data in doc["sessions"].items():
        if not isinstance(data, dict):
            continue
        path = os.path.join(folder, record_name(str(sid)))
        if not os.path.exists(path):  # a record written since wins
            _write_atomic(path, _encode(Session.from_dict(str(sid), data)), sync=False)
    if isinstance(doc.get("last_session"), str) and not os.path.exists(os.path.join(directory, LAST_NAME)):
        _write_small(os.path.join(directory, LAST_NAME), doc["last_session"] + "\n")
    try:
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)  # the records are on disk before the old file steps aside
        finally:
            os.close(dfd)
    except OSError:
        pass
    os.replace(legacy, legacy + ".migrated")
    from routing.core import errorlog

    errorlog.log("state", f"state.json (version 1, {len(doc['sessions'])} sessions) split into {folder}")


def update(session_id: str, source: str, mutate, timeout: float = LOCK_TIMEOUT, defer: bool = False) -> bool:
    """Locked read-modify-write of one session. False (and a line in errors.log) when skipped.

    `mutate(rec)` changes the Session in place. Never raises: a hook calls this.
    With `defer`, a lock still busy after `timeout` hands the write to a
    background process instead of dropping it (False: not written yet).
    """
    from routing.core import errorlog

    try:
        directory = state_dir()
        errorlog.ensure_dir(directory)
        folder = os.path.join(directory, SESSIONS_NAME)
        errorlog.ensure_dir(folder)
        with _Lock(directory, timeout) as locked:
            if not locked:
                if defer and _defer(session_id, source, mutate):
                    return False
                errorlog.log("state", f"lock busy for {timeout:.2f}s: write skipped")
                return False
            _migrate(directory, folder)
            path = os.path.join(folder, record_name(session_id))
            now = round(time.time(), 3)
            created = False
            try:
                rec = _read_record(path, session_id)
            except FileNotFoundError:
                rec, created = Session(session_id, source, now), True
            except NewerStateError as e:
                errorlog.log("state", f"{e}: write skipped")
                return False
            except Exception as e:
                _move_aside(path, e)
                rec, created = Session(session_id, source, now), True
            rec.last_seen = now
            mutate(rec)
            _write_atomic(path, _encode(rec))
            _write_small(os.path.join(directory, LAST_NAME), session_id + "\n")
            _write_small(os.path.join(directory, STATUS_NAME), status_line(rec))
            _sweep(folder, now, created)
            return True
    except Exception as e:
        errorlog.log("state", e)
        return False


# -- writing from a hook, without making the user wait -------------------------------


def _detach(work, reap: bool = True) -> bool:
    """Run `work()` in a detached process that has let go of our stdio. True if started.

    Claude Code waits until a hook's stdout closes, so the writer must not hold
    it. With `reap`, a middle process is forked and reaped at once, so a
    long-lived caller is left no zombie; a hook that exits right away skips it.
    """
    if not hasattr(os, "fork"):
        return False
    try:
        pid = os.fork()
    except OSError:
        return False
    if pid:
        if reap:
            try:
                os.waitpid(pid, 0)  # the middle process exits at once; its child works
            except OSError:
                pass
        return True
    try:
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        # Inherited descriptors could hold a flock (or a pipe someone waits on).
        os.closerange(3, min(os.sysconf("SC_OPEN_MAX"), 65536))
        if not reap or os.fork() == 0:
            work()
    finally:
        os._exit(0)


def _defer(session_id: str, source: str, mutate) -> bool:
    """Hand a write the lock refused to a detached process that may wait DEFER_TIMEOUT.

    The caller returns at once, so the user never waits, and the count is not
    lost when many sessions (or a loaded machine) keep the lock busy.
    """
    return _detach(lambda: update(session_id, source, mutate, DEFER_TIMEOUT))


SYNC_ENV = "MODELROUTE_SYNC_STATE"


def update_detached(session_id: str, source: str, mutate) -> bool:
    """For a hook about to exit: record in a detached process, so the reply goes out now.

    The lock wait and the fsync then overlap with Claude Code going on. The
    writer may wait DEFER_TIMEOUT for the lock, so counts stay exact.
    `MODELROUTE_SYNC_STATE=1` writes in-process instead (tests that read the
    state right after a hook use it). True when recorded or handed off.
    """
    if os.environ.get(SYNC_ENV) == "1" or not _detach(
        lambda: update(session_id, source, mutate, DEFER_TIMEOUT), reap=False
    ):
        return update(session_id, source, mutate, defer=True)
    return True
