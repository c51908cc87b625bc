"""state.json: what modelroute remembers about your sessions, shared by every hook.

File: `$XDG_STATE_HOME/modelroute/state.json` (0600, directory 0700). One
versioned JSON document (VERSION below), rewritten whole on each change:

    {"version": 1, "last_session": "<id>", "sessions": {"<id>": {
        "source": "claude" | "shell", "first_seen": <unix s>, "last_seen": <unix s>,
        "model": "<live model id>" | null, "tier": "haiku|sonnet|opus" | null,
        "prompts": {"haiku": n, "sonnet": n, "opus": n},   # by routed tier
        "escalations": n, "deescalations": n,
        "last_decision": {"tier", "kind", "intent", "confidence", "prompt_hash"} | null,
        "suggestions": {...}, "last_call": {"tier", "at"} | null}}}

It never holds prompt text (a hash at most). Sessions not seen for
PRUNE_DAYS are dropped on write. Deleting the file is safe: it only loses
counts, and the next write starts a fresh one. A file that does not parse is
moved aside to `state.json.corrupt-<UTC timestamp>`, never overwritten.

Writers take an exclusive lock on the sidecar `state.json.lock` (fcntl.flock:
the same lock filelock's UnixFileLock takes, without its ~30 ms import), wait
at most about 100 ms, and otherwise skip the write and log it: a hook must
never keep the user waiting. Hooks go further (`update_detached`): they reply
first and leave the write to a detached process that may wait DEFER_TIMEOUT,
so counts stay exact under load without the hook waiting. The document is replaced atomically (temp file in
the same directory, fsync, os.replace), so readers need no lock.

Each write also refreshes the one-line status cache `status` for the shell
prompt: `<tier> <escalations> <source> <session_id>\\n` of the last session.
"""

from __future__ import annotations

import os
import time

from routing.core import errorlog, fastjson, paths, tiers

VERSION = 1
PRUNE_DAYS = 30
MAX_SESSIONS = 2000
LOCK_TIMEOUT = 0.1
DEFER_TIMEOUT = 10.0  # how long a deferred write (see update) may wait for the lock
TIERS = tiers.TIERS
STATE_NAME = "state.json"
STATUS_NAME = "status"

try:  # Unix
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - Windows falls back to filelock
    _fcntl = None  # type: ignore[assignment]


class NewerStateError(Exception):
    """The file was written by a newer modelroute: leave it alone."""


def state_dir() -> str:
    return paths.state_dir_str()


def state_path() -> str:
    return os.path.join(state_dir(), STATE_NAME)


def status_path() -> str:
    return os.path.join(state_dir(), STATUS_NAME)


def empty() -> dict:
    return {"version": VERSION, "sessions": {}, "last_session": None}


def new_session(source: str, now: float) -> dict:
    return {
        "source": source,
        "first_seen": now,
        "last_seen": now,
        "model": None,
        "tier": None,
        "prompts": {t: 0 for t in TIERS},
        "escalations": 0,
        "deescalations": 0,
        "last_decision": None,
        "suggestions": {},
        "last_call": None,
    }


def session(doc: dict, session_id: str, source: str) -> dict:
    """Get or create a session record; it becomes the last session."""
    now = round(time.time(), 3)
    sessions = doc.setdefault("sessions", {})
    rec = sessions.get(session_id)
    if not isinstance(rec, dict):
        rec = sessions[session_id] = new_session(source, now)
    else:
        # Fill fields an older or partial record lacks, so callers can index freely.
        for key, value in new_session(source, now).items():
            rec.setdefault(key, value)
        prompts = rec["prompts"] if isinstance(rec["prompts"], dict) else {}
        rec["prompts"] = prompts
        for t in TIERS:
            prompts.setdefault(t, 0)
    rec["last_seen"] = now
    doc["last_session"] = session_id
    return rec


# -- reading ---------------------------------------------------------------


def _parse(raw: bytes) -> dict:
    """The document in `raw`; ValueError if it is not ours, NewerStateError if too new."""
    doc = fastjson.loads(raw)
    if not isinstance(doc, dict) or not isinstance(doc.get("sessions"), dict):
        raise ValueError("not a modelroute state document")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValueError("no version")
    if version > VERSION:
        raise NewerStateError(f"state.json version {version} is newer than this modelroute ({VERSION})")
    if version < VERSION:
        raise ValueError(f"unknown old version {version}")
    return doc


def _read(path: str) -> dict:
    """Read and parse; FileNotFoundError when missing; ValueError/OSError when unusable."""
    with open(path, "rb") as f:
        raw = f.read()
    return _parse(raw)


def _move_aside(path: str, why: object) -> None:
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


def load() -> dict:
    """The current document. Never raises: missing -> empty, corrupt -> moved aside, empty."""
    path = state_path()
    try:
        return _read(path)
    except FileNotFoundError:
        return empty()
    except NewerStateError as e:
        errorlog.log("state", e)
        return empty()
    except Exception as e:  # corrupt or unreadable
        # Re-check under the lock, so we never move aside a file a writer just replaced.
        try:
            with _Lock(os.path.dirname(path), LOCK_TIMEOUT) as locked:
                if locked:
                    try:
                        return _read(path)
                    except FileNotFoundError:
                        return empty()
                    except NewerStateError:
                        return empty()
                    except Exception as e2:
                        _move_aside(path, e2)
                else:
                    errorlog.log("state", f"unreadable state, lock busy: {errorlog.describe(e)}")
        except Exception as e3:
            errorlog.log("state", e3)
        return empty()


# -- locking ---------------------------------------------------------------


class _Lock:
    """Exclusive flock on the sidecar, polled for at most `timeout` seconds.

    `with _Lock(dir, t) as ok:` -- ok is False when the lock was not acquired.
    """

    def __init__(self, directory: str, timeout: float) -> None:
        self.path = os.path.join(directory, STATE_NAME + ".lock")
        self.timeout = timeout
        self.fd = -1
        self._fallback = None

    def __enter__(self) -> bool:
        if _fcntl is None:  # pragma: no cover
            import filelock

            self._fallback = filelock.FileLock(self.path, timeout=self.timeout)
            try:
                self._fallback.acquire()
                return True
            except filelock.Timeout:
                self._fallback = None
                return False
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
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


# -- writing ---------------------------------------------------------------


def _write_atomic(path: str, data: bytes, sync: bool = True) -> None:
    tmp = f"{path}.tmp-{os.getpid()}-{time.monotonic_ns() % 1000000}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
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


def prune(doc: dict, now: float) -> None:
    """Drop sessions unseen for PRUNE_DAYS, and the oldest beyond MAX_SESSIONS."""
    sessions = doc.get("sessions") or {}
    cutoff = now - PRUNE_DAYS * 86400

    def seen(rec: object) -> float:
        v = rec.get("last_seen") if isinstance(rec, dict) else None
        return float(v) if isinstance(v, (int, float)) else 0.0

    stale = [sid for sid, rec in sessions.items() if seen(rec) < cutoff]
    for sid in stale:
        del sessions[sid]
    if len(sessions) > MAX_SESSIONS:
        for sid in sorted(sessions, key=lambda s: seen(sessions[s]))[: len(sessions) - MAX_SESSIONS]:
            del sessions[sid]
    if doc.get("last_session") not in sessions:
        doc["last_session"] = max(sessions, key=lambda s: seen(sessions[s])) if sessions else None


def status_line(doc: dict) -> str:
    """The status cache's one line for the last session, or "" when there is none."""
    sid = doc.get("last_session")
    rec = (doc.get("sessions") or {}).get(sid) if sid else None
    if not isinstance(rec, dict):
        return ""
    tier = rec.get("tier") if rec.get("tier") in TIERS else "-"
    esc = rec.get("escalations")
    esc = esc if isinstance(esc, int) and not isinstance(esc, bool) and esc >= 0 else 0
    source = "".join(str(rec.get("source") or "-").split()) or "-"
    return f"{tier} {esc} {source} {'_'.join(str(sid).split()) or '-'}\n"


def _write_status(doc: dict) -> None:
    path = status_path()
    line = status_line(doc)
    try:
        with open(path, "r", encoding="utf-8") as f:
            if f.read() == line and line:
                return  # unchanged: keep the mtime, the prompt segment re-reads on change
    except OSError:
        pass
    if not line:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        return
    _write_atomic(path, line.encode("utf-8"), sync=False)


def _sweep_temps(directory: str, now: float) -> None:
    """Remove temp files left behind by a writer killed mid-write."""
    try:
        with os.scandir(directory) as it:
            for entry in it:
                if ".tmp-" in entry.name and entry.name.startswith((STATE_NAME, STATUS_NAME)):
                    try:
                        if now - entry.stat().st_mtime > 60:
                            os.unlink(entry.path)
                    except OSError:
                        pass
    except OSError:
        pass


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


def _defer(mutate) -> bool:
    """Hand a write the lock refused to a detached process that may wait DEFER_TIMEOUT.

    The caller returns at once, so the user never waits, and the count is not
    lost when many sessions (or a loaded machine) keep the lock busy.
    """
    return _detach(lambda: update(mutate, DEFER_TIMEOUT))


SYNC_ENV = "MODELROUTE_SYNC_STATE"


def update_detached(mutate) -> bool:
    """For a hook about to exit: record in a detached process, so the reply goes out now.

    The lock wait and the fsync (a few ms) then overlap with Claude Code going
    on. The writer may wait DEFER_TIMEOUT for the lock, so counts stay exact.
    `MODELROUTE_SYNC_STATE=1` writes in-process instead (tests that read the
    state right after a hook use it). True when recorded or handed off.
    """
    if os.environ.get(SYNC_ENV) == "1" or not _detach(lambda: update(mutate, DEFER_TIMEOUT), reap=False):
        return update(mutate, defer=True)
    return True


def update(mutate, timeout: float = LOCK_TIMEOUT, defer: bool = False) -> bool:
    """Locked read-modify-write. False (and a line in errors.log) when skipped.

    `mutate(doc)` changes the document in place. Never raises: a hook calls this.
    With `defer`, a lock still busy after `timeout` hands the write to a
    background process instead of dropping it (False: not written yet).
    """
    try:
        directory = state_dir()
        errorlog.ensure_dir(directory)
        path = os.path.join(directory, STATE_NAME)
        with _Lock(directory, timeout) as locked:
            if not locked:
                if defer and _defer(mutate):
                    return False
                errorlog.log("state", f"lock busy for {timeout:.2f}s: write skipped")
                return False
            try:
                doc = _read(path)
            except FileNotFoundError:
                doc = empty()
            except NewerStateError as e:
                errorlog.log("state", f"{e}: write skipped")
                return False
            except Exception as e:
                _move_aside(path, e)
                doc = empty()
            mutate(doc)
            now = time.time()
            doc["version"] = VERSION
            prune(doc, now)
            _write_atomic(path, fastjson.dumps(doc).encode("utf-8"))
            _write_status(doc)
            if int(now) % 16 == 0:
                _sweep_temps(directory, now)
            return True
    except Exception as e:
        errorlog.log("state", e)
        return False
