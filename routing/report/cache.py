"""The report's incremental cache: each transcript's parse, kept between runs.

Lives in $XDG_CACHE_HOME/modelroute/report/ (0700; files 0600). One file per
fingerprint: the schema, the time zone (sums are per local day), every price and
the router's code and rules, so a change to any of them starts a fresh cache
instead of trusting stale costs or tiers. A record is reused when its file's size,
mtime and inode are unchanged, and continued from where it stopped when the file
grew (routing.report.scan). No prompt text is stored: records hold token counts,
costs and tiers; the classification memo holds salted hashes and tiers.
A cache that cannot be read, for any reason, is ignored and rewritten.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Optional

import msgspec

from routing.core import paths
from routing.report.records import FileRecord, Summary

SCHEMA = 3
KEEP = 4  # cache files kept (one per time zone and price/router version in use)


class Files(msgspec.Struct, array_like=True):
    schema: int
    fingerprint: str
    records: list[FileRecord]


class Index(msgspec.Struct, array_like=True):
    """What an unchanged tree needs: each cached file's identity, the summary of them all, and
    their dedup keys (int64s, in file order) to check a re-read file against."""

    schema: int
    fingerprint: str
    files: dict[str, tuple[int, int, int]]  # path -> (size, mtime_ns, inode)
    volatile: list[str]  # files not cached (a last line still being written; unreadable): read each run
    summary: Summary
    keys: bytes


class Memo(msgspec.Struct, array_like=True):
    schema: int
    fingerprint: str
    salt: bytes
    memo: dict[bytes, tuple[str, str, str]]


def cache_dir() -> Path:
    return paths.cache_dir() / "report"


def _name(kind: str, fingerprint: str) -> Path:
    from routing.report.sources import _blake2b

    return cache_dir() / f"{kind}-{_blake2b(fingerprint.encode(), digest_size=8).hexdigest()}.msgpack"


def router_fingerprint(config_rules: object) -> str:
    """The router's code and rule files (their sizes and mtimes) and the config's rule layers."""
    import routing.router as pkg

    d = Path(pkg.__file__).parent
    parts = [repr(config_rules)]
    for p in sorted(d.iterdir()):
        if p.suffix in (".py", ".json"):
            st = p.stat()
            parts.append(f"{p.name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def load_files(fingerprint: str) -> dict[str, FileRecord]:
    try:
        data = _name("files", fingerprint).read_bytes()
        doc = msgspec.msgpack.decode(data, type=Files)
        if doc.schema != SCHEMA or doc.fingerprint != fingerprint:
            return {}
        return {r.path: r for r in doc.records}
    except Exception:  # missing, truncated, garbled, another version: rebuilt, never trusted
        return {}


def load_index(fingerprint: str) -> Optional[Index]:
    try:
        doc = msgspec.msgpack.decode(_name("index", fingerprint).read_bytes(), type=Index)
        if doc.schema == SCHEMA and doc.fingerprint == fingerprint:
            return doc
    except Exception:
        pass
    return None


def load_memo(fingerprint: str) -> tuple[bytes, dict[bytes, tuple[str, str, str]]]:
    try:
        doc = msgspec.msgpack.decode(_name("classify", fingerprint).read_bytes(), type=Memo)
        if doc.schema == SCHEMA and doc.fingerprint == fingerprint and len(doc.salt) == 16:
            return doc.salt, doc.memo
    except Exception:
        pass
    return os.urandom(16), {}


def save(fingerprint: str, records: list[FileRecord], index: Optional[Index], router_fp: str, salt: bytes,
         memo: dict[bytes, tuple[str, str, str]]) -> Optional[str]:
    """Write the cache; an error message instead of raising (a report never fails on its cache)."""
    try:
        d = cache_dir()
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write(_name("files", fingerprint), msgspec.msgpack.encode(Files(SCHEMA, fingerprint, records)))
        if index is not None:
            _write(_name("index", fingerprint), msgspec.msgpack.encode(index))
        if len(memo) > 200_000:  # bounded: keep the newest half
            memo = dict(list(memo.items())[-100_000:])
        _write(_name("classify", router_fp), msgspec.msgpack.encode(Memo(SCHEMA, router_fp, salt, memo)))
        _prune(d)
    except OSError as e:
        return f"cannot write the report cache in {cache_dir()}: {e.strerror or e}"
    return None


def behind(write: Callable[[], Optional[str]]) -> Callable[[], Optional[str]]:
    """Run `write` (a save) in a forked child while the caller builds the report, and return the
    function that waits for it and gives its answer. Encoding the cache holds the GIL and writing
    it takes 10-30 ms: both came after the parse, on one core, while the other sat idle."""
    if not hasattr(os, "fork"):
        error = write()
        return lambda: error
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child (its answer is checked through the parent)
        import gc

        gc.disable()  # a collection would touch, and so copy, every page the parent still uses
        message = b""
        try:
            message = (write() or "").encode()
        except BaseException as e:  # noqa: BLE001 - the parent says it, the report still answers
            message = f"cannot write the report cache: {e!r}".encode()
        finally:
            try:
                os.write(w, message)
            finally:
                os._exit(0)
    os.close(w)

    def wait() -> Optional[str]:
        with open(r, "rb") as fh:
            message = fh.read().decode()
        _, status = os.waitpid(pid, 0)
        if status != 0 and not message:
            message = f"the report cache was not written (its writer ended with status {status})"
        return message or None

    return wait


def _write(path: Path, data: bytes) -> None:
    tmp = str(path.parent / f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _prune(d: Path) -> None:
    for kind in ("files", "index", "classify"):
        found = sorted(d.glob(f"{kind}-*.msgpack"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in found[KEEP:]:
            try:
                old.unlink()
            except OSError:
                pass


def write_unknown_models(models: list[str]) -> None:
    """For `route doctor`: the models the last report had to price by family."""
    try:
        d = cache_dir()
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write(d / "unknown-models.json", msgspec.json.encode(sorted(models)))
    except OSError:
        pass


def read_unknown_models() -> Optional[list[str]]:
    try:
        found = msgspec.json.decode((cache_dir() / "unknown-models.json").read_bytes())
    except (OSError, msgspec.DecodeError):
        return None
    return [str(m) for m in found] if isinstance(found, list) else None
