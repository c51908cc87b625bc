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
    return save_behind(fingerprint, records, index, router_fp, salt, memo, wait=True)()


def save_behind(fingerprint: str, records: list[FileRecord], index: Optional[Index], router_fp: str, salt: bytes,
                memo: dict[bytes, tuple[str, str, str]], wait: bool = False) -> Callable[[], Optional[str]]:
    """Encode the cache now and write it on a thread (the writes release the GIL, so the report is
    built meanwhile); returns the function that waits for the writes and gives save's answer."""
    if len(memo) > 200_000:  # bounded: keep the newest half
        memo = dict(list(memo.items())[-100_000:])
    files = [(_name("files", fingerprint), msgspec.msgpack.encode(Files(SCHEMA, fingerprint, records)))]
    if index is not None:
        files.append((_name("index", fingerprint), msgspec.msgpack.encode(index)))
    files.append((_name("classify", router_fp), msgspec.msgpack.encode(Memo(SCHEMA, router_fp, salt, memo))))
    error: list[str] = []

    def write() -> None:
        try:
            d = cache_dir()
            d.mkdir(parents=True, exist_ok=True, mode=0o700)
            for path, data in files:
                _write(path, data)
            _prune(d)
        except OSError as e:
            error.append(f"cannot write the report cache in {cache_dir()}: {e.strerror or e}")

    if wait:
        write()
        return lambda: error[0] if error else None
    import threading

    thread = threading.Thread(target=write, name="report-cache")
    thread.start()

    def join() -> Optional[str]:
        thread.join()
        return error[0] if error else None

    return join


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
