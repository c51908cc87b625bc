"""Read the transcripts that changed since the last run, across processes when there is enough to read.

A file is parsed whole the first time, and only from where the last parse stopped
when it has grown (same inode, the bytes before that point unchanged): Claude Code
appends to a session's transcript. With enough to read, the parent parses next to
forked workers (the router's compiled rules are inherited, not pickled): each
process takes the next run of files from a pipe of tickets until none is left, and
each worker hands back all its records in one msgpack message at the end. The
parent's own share is never encoded or copied, and no multiprocessing machinery
(its import alone costs ~20 ms) is needed.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from array import array
from datetime import datetime, tzinfo
from typing import Any, Optional, Sequence

import msgspec

from routing.core.tiers import TIERS
from routing.report.claude_log import Replay, parse_claude
from routing.report.codex_log import parse_codex
from routing.report.dedup import dedup
from routing.report.pricing import PriceBook
from routing.report.records import Entry, FileRecord, Group, ParseState
from routing.report.sources import Parsed, SourceFile, _blake2b

PARALLEL_MIN_BYTES = 8 * 1024 * 1024
CHECK_BYTES = 64
_encode = msgspec.msgpack.Encoder().encode
_decode_entries = msgspec.msgpack.Decoder(list[Entry]).decode
_decode_state = msgspec.msgpack.Decoder(ParseState).decode


class DayOf:
    """Local calendar day (ordinal) of a timestamp; cached per 15 minutes (every UTC offset is a multiple)."""

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self.cache: dict[int, int] = {}

    def __call__(self, ts: float) -> int:
        slot = int(ts // 900)
        d = self.cache.get(slot)
        if d is None:
            d = self.cache[slot] = datetime.fromtimestamp(slot * 900, self.tz).date().toordinal()
        return d


class Classifier:
    """The router, memoised by a salted prompt hash and the session tier (no prompt text kept).

    The memo key is the prompt's hash plus what the router reads from its Context: the
    session tier (the live tier, else the latest routed one) and what the assistant's
    previous turn did (prev_kind). A repeated "yes, go ahead" after a plan in a session
    on sonnet is classified once. Escalation counts are passed on but not keyed: the
    router does not read them."""

    def __init__(self, rules: Any, memo: dict[bytes, tuple[str, str, str]], salt: bytes) -> None:
        self._rules, self.memo, self.salt = rules, memo, salt
        self._classify: Any = None
        self._text: Optional[str] = None  # the latest prompt and its salted hash (held in memory only)
        self._digest = b""
        self.new: dict[bytes, tuple[str, str, str]] = {}

    def prepare(self) -> None:
        if self._classify is None:
            self._load()

    def _load(self) -> None:
        from routing.router.classify import classify
        from routing.router.decision import Context

        self._classify, self._Context = classify, Context
        if callable(self._rules):
            self._rules = self._rules()  # compiled only when a prompt must be classified

    def __call__(self, text: str, current: Optional[str], recent: Sequence[str], escalations: int,
                 prev: Optional[str] = None) -> tuple[str, str, str]:
        session = current if current in TIERS else next((t for t in reversed(recent) if t in TIERS), None)
        if text is self._text:  # the follow scenario asks again about the same prompt
            digest = self._digest
        else:
            digest = _blake2b(text.encode("utf-8", "replace"), digest_size=16, key=self.salt).digest()
            self._text, self._digest = text, digest
        key = digest + f"{session or ''}|{prev or ''}".encode()
        hit = self.memo.get(key)
        if hit is None:
            if self._classify is None:
                self._load()
            ctx = (None if current is None and not recent and not escalations and prev is None
                   else self._Context(current, recent, escalations, prev))
            d = self._classify(text, ctx, self._rules)
            hit = self.memo[key] = self.new[key] = (d.tier, d.kind, d.intent)
        return hit


class Job:
    """What every parse needs; forked workers inherit it (nothing is pickled)."""

    def __init__(self, files: Sequence[SourceFile], priors: Sequence[Optional[FileRecord]], prices: PriceBook,
                 tz: tzinfo, classifier: Classifier) -> None:
        self.files, self.priors, self.prices, self.classifier = files, priors, prices, classifier
        self.day_of = DayOf(tz)


def _unreadable(src: SourceFile) -> FileRecord:
    return FileRecord(src.path, src.tool, src.project, src.session, src.side, 0, 0, 0, 0, b"", None, 0, 0, True,
                      False, b"", [], msgspec.Raw(_encode([])), [], [])


def parse_file(job: Job, src: SourceFile, prior: Optional[FileRecord]) -> FileRecord:
    """The record of one transcript: read whole, or only its appended tail when `prior` still fits."""
    try:
        with open(src.path, "rb") as fh:
            st = os.fstat(fh.fileno())
            start = 0
            if (prior is not None and prior.cacheable and prior.state is not None and prior.ino == st.st_ino
                    and st.st_size > prior.size and prior.offset >= len(prior.check)):
                fh.seek(prior.offset - len(prior.check))
                if fh.read(len(prior.check)) == prior.check:
                    start = prior.offset
                else:
                    fh.seek(0)
            if not start:
                prior = None
            data = fh.read()
    except OSError:
        return _unreadable(src)
    cut = data.rfind(b"\n") + 1
    body, tail = data[:cut], data[cut:]
    parsed = Parsed()
    state = None
    if src.tool == "codex":
        parse_codex(src, data, parsed, job.prices)
        tail = b""
    else:
        replay = Replay(src, job.prices, job.classifier, prior.state if prior is not None else None)
        parse_claude(src, body, parsed, replay)
        state = replay.keep_state()  # as of the last complete line
        if tail.strip():
            state = _decode_state(_encode(state))  # a copy: the tail goes on from it
            before = parsed.bad
            parse_claude(src, tail, parsed, replay)
            if parsed.bad == before and not tail.rstrip().endswith(b"}"):
                parsed.bad += 1  # a last line cut short while being written
    entries = parsed.entries
    bad, prompts = parsed.bad, state.prompts if state is not None else 0
    if prior is not None:
        entries = _decode_entries(prior.entries) + entries
        bad += prior.bad
    fold = _Fold(entries, job.day_of)
    if not fold.unique:
        fold = _Fold(dedup(entries), job.day_of)
    unknown = sorted(m for m in fold.models if m in job.prices.unknown)
    offset = start + len(body) if src.tool == "claude" else len(data)
    return FileRecord(
        src.path, src.tool, src.project, src.session, src.side, st.st_size, st.st_mtime_ns, st.st_ino,
        offset, (data[:offset - start][-CHECK_BYTES:] if offset > start else (prior.check if prior else b"")),
        state, bad, prompts, False, not tail.strip(), fold.keys.tobytes(),
        [Group.of(day, model, run) for (day, model), run in fold.runs.items()], msgspec.Raw(_encode(fold.entries)),
        unknown, [job.prices.warnings[m] for m in unknown], main_model=fold.main_model(),
    )


class _Fold:
    """One pass over a file's entries for everything its record needs: their dedup keys, whether
    they are already unique (most files: nothing for dedup to do), their runs per local day and
    model (in order of each run's first entry), their models, and main-thread responses per model."""

    __slots__ = ("entries", "keys", "unique", "runs", "models", "main")

    def __init__(self, entries: list[Entry], day_of: DayOf) -> None:
        keys = array("q")
        runs: dict[tuple[int, Optional[str]], list[Entry]] = {}
        models: set[str] = set()
        main: dict[str, int] = {}  # in order of each model's first main-thread response
        days = day_of.cache
        for e in entries:
            k = e.key
            if k is not None:
                keys.append(k)
                keys.append(e.mkey)  # type: ignore[arg-type]
            ts, model = e.ts, e.model
            day = days.get(int(ts // 900))
            if day is None:
                day = day_of(ts)
            run = runs.get((day, model))
            if run is None:
                runs[(day, model)] = [e]
            else:
                run.append(e)
            if model is not None:
                models.add(model)
                if not e.side:
                    main[model] = main.get(model, 0) + 1
        n = len(entries)
        self.entries, self.keys, self.runs, self.models, self.main = entries, keys, runs, models, main
        self.unique = len(keys) == 2 * n and len(set(keys[0::2])) == n and len(set(keys[1::2])) == n

    def main_model(self) -> Optional[str]:
        """The model of most main-thread responses (the first to reach that count)."""
        best, top = None, 0
        for model, count in self.main.items():
            if count > top:
                best, top = model, count
        return best


def group(entries: Sequence[Entry], day_of: DayOf) -> list[Group]:
    """Sum entries per local day and model (groups in order of their first entry)."""
    return [Group.of(day, model, run) for (day, model), run in _Fold(list(entries), day_of).runs.items()]


def decode_entries(record: FileRecord) -> list[Entry]:
    return _decode_entries(record.entries)


class Progress:
    """A one-line bar on stderr, only on a terminal and only once the scan has taken 0.5 s."""

    def __init__(self, total: int, stream: Any = None, delay: Optional[float] = None) -> None:
        self.stream = stream or sys.stderr
        self.total = max(total, 1)
        self.start = time.monotonic()
        if delay is None:  # ROUTE_PROGRESS_DELAY: for tests that need the bar without a slow scan
            try:
                delay = float(os.environ.get("ROUTE_PROGRESS_DELAY", "0.5"))
            except ValueError:
                delay = 0.5
        self.delay = delay
        self.shown = False
        try:
            self.enabled = self.stream.isatty()
        except (AttributeError, ValueError):
            self.enabled = False

    def update(self, done: int) -> None:
        if not self.enabled or time.monotonic() - self.start < self.delay:
            return
        width = 30
        filled = int(width * done / self.total)
        self.stream.write(f"\rscanning transcripts [{'#' * filled}{'.' * (width - filled)}] {done}/{self.total}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 70 + "\r")
            self.stream.flush()


def _chunks(sizes: list[int], pieces: int) -> list[list[int]]:
    """About `pieces` runs of consecutive files of similar byte size (one ticket each)."""
    target = max(sum(sizes) // pieces, 1)
    chunks: list[list[int]] = []
    cur: list[int] = []
    acc = 0
    for i, size in enumerate(sizes):
        cur.append(i)
        acc += size
        if acc >= target:
            chunks.append(cur)
            cur, acc = [], 0
    if cur:
        chunks.append(cur)
    return chunks


class _Share(msgspec.Struct, array_like=True):
    """What a worker hands back: its runs' records by ticket, its new classifications, or its error."""

    runs: list[tuple[int, list[FileRecord]]]
    memo: dict[bytes, tuple[str, str, str]]
    error: Optional[str] = None


_decode_share = msgspec.msgpack.Decoder(_Share).decode
RUNS_PER_PROCESS = 64  # tickets per process: the last one to finish waits for at most ~1/64 of its share
MAX_TICKETS = 1024  # two bytes each: every ticket fits a pipe before any process reads one


def parse_all(job: Job, sizes: list[int], jobs: Optional[int] = None) -> list[FileRecord]:
    """Records of every file in `job`, in file order (in `jobs` processes when there is enough to read)."""
    n = len(job.files)
    jobs = jobs or (os.cpu_count() or 1)
    bar = Progress(n)
    collecting = gc.isenabled()
    gc.disable()  # the parse makes no reference cycles, only short-lived rows: ~2% of it went to the GC
    try:
        if jobs > 1 and n > 1 and sum(sizes) >= PARALLEL_MIN_BYTES and hasattr(os, "fork"):
            return _parse_forked(job, sizes, min(jobs, n), bar)
        out: list[FileRecord] = []
        for i in range(n):
            out.append(parse_file(job, job.files[i], job.priors[i]))
            bar.update(len(out))
        return out
    finally:
        if collecting:
            gc.enable()
        bar.close()


def _parse_forked(job: Job, sizes: list[int], procs: int, bar: Progress) -> list[FileRecord]:
    """The parent and procs-1 forked workers take tickets (runs of files) from one pipe until it
    is empty; the workers' records come back at the end and everything is put in file order."""
    chunks = _chunks(sizes, min(procs * RUNS_PER_PROCESS, MAX_TICKETS))
    if any(f.tool == "claude" for f in job.files):
        job.classifier.prepare()  # compile the router once, before the fork
    tickets, w = os.pipe()
    try:
        os.write(w, b"".join(i.to_bytes(2, "little") for i in range(len(chunks))))
    finally:
        os.close(w)  # drained: every reader sees the end
    kids: list[tuple[int, int]] = []
    try:
        for _ in range(procs - 1):
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the worker (covered through the parent's results)
                os.close(r)
                _work(job, chunks, tickets, w)
            os.close(w)
            kids.append((pid, r))
        runs: dict[int, list[FileRecord]] = {}
        done = 0
        for c in _take(tickets):
            runs[c] = [parse_file(job, job.files[i], job.priors[i]) for i in chunks[c]]
            done += len(chunks[c])
            if bar.enabled:
                bar.update(done + _handed_out(tickets, chunks, runs))
        while kids:
            pid, r = kids[0]
            with open(r, "rb") as fh:
                data = fh.read()
            kids.pop(0)
            _, status = os.waitpid(pid, 0)
            try:
                share = _decode_share(data)
            except msgspec.DecodeError:
                raise RuntimeError(f"a transcript worker died ({_status(status)})") from None
            if share.error is not None:
                raise RuntimeError(f"a transcript worker failed:\n{share.error}")
            runs.update(share.runs)
            job.classifier.memo.update(share.memo)
            job.classifier.new.update(share.memo)
    finally:
        os.close(tickets)
        for pid, r in kids:  # only after an error: stop the rest
            try:
                os.kill(pid, 15)
                os.waitpid(pid, 0)
            except OSError:
                pass
            os.close(r)
    return [rec for c in range(len(chunks)) for rec in runs[c]]


def _take(tickets: int) -> Any:
    while True:
        t = os.read(tickets, 2)
        if not t:
            return
        yield int.from_bytes(t, "little")


def _handed_out(tickets: int, chunks: list[list[int]], mine: dict[int, list[FileRecord]]) -> int:
    """For the progress bar: the files of the runs other processes have taken (done or under way)."""
    import fcntl
    import termios

    taken = len(chunks) - int.from_bytes(fcntl.ioctl(tickets, termios.FIONREAD, b"\0" * 4), sys.byteorder) // 2
    return sum(len(chunks[c]) for c in range(taken) if c not in mine)


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.WEXITSTATUS(status)}"


def _work(job: Job, chunks: list[list[int]], tickets: int, out: int) -> None:
    """A forked worker: parse runs until the tickets run out, write one _Share, exit (never returns)."""
    code = 0
    try:
        job.classifier.new = {}
        runs = [(c, [parse_file(job, job.files[i], job.priors[i]) for i in chunks[c]]) for c in _take(tickets)]
        data = _encode(_Share(runs, job.classifier.new))
    except BaseException:  # noqa: BLE001 - reported by the parent, whatever it was
        import traceback

        code = 1
        data = _encode(_Share([], {}, traceback.format_exc()))
    try:
        with open(out, "wb") as fh:
            fh.write(data)
    finally:
        os._exit(code)
