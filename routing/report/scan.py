"""Read every transcript for the report, across processes when there is enough to read.

Files are parsed in worker processes (fork, so the router's compiled rules
are inherited, not pickled); results come back as compact tuples, in file
order, and are deduplicated and summed here while the workers parse on, so
the answer does not depend on which worker finished first.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, Optional, Sequence

from routing.report.claude_log import parse_claude_file
from routing.report.codex_log import parse_codex_file
from routing.report.dedup import Dedup
from routing.report.sources import FileResult, SourceFile, find_files

PARALLEL_MIN_BYTES = 8 * 1024 * 1024
_RULES: Any = None  # set before forking; read by workers
_FILES: Sequence[SourceFile] = ()


class _Router:
    """Classify prompts in file order, carrying the routed tier as the session's context."""

    def __init__(self) -> None:
        from routing.router.classify import classify
        from routing.router.decision import Context

        self._classify, self._Context = classify, Context
        self.tier: Optional[str] = None

    def __call__(self, text: str) -> str:
        key = (text, self.tier)
        tier = _SEEN.get(key)
        if tier is None:
            tier = self._classify(text, self._Context(current_tier=self.tier), _RULES).tier
            if len(_SEEN) < 50_000:
                _SEEN[key] = tier
        self.tier = tier
        return tier


# Repeated prompts ("yes", "continue", a team's stock asks) are classified once per process.
_SEEN: dict[tuple[str, Optional[str]], str] = {}


def parse_one(index: int) -> FileResult:
    src = _FILES[index]
    if src.tool == "codex":
        return parse_codex_file(index, src)
    return parse_claude_file(index, src, _Router())


def _parse_many(indexes: list[int]) -> list[FileResult]:
    return [parse_one(i) for i in indexes]


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


def _chunks(sizes: list[int], n: int) -> list[list[int]]:
    """About n*4 runs of consecutive files of similar byte size: results come back in file
    order (so deduplication is deterministic) while the parent digests one run as the
    workers parse the next."""
    target = max(sum(sizes) // (n * 4), 1)
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


def scan(
    dedup: Dedup,
    project: Optional[str] = None,
    rules: Any = None,
    jobs: Optional[int] = None,
) -> tuple[list[SourceFile], dict[str, int], int]:
    """Feed every transcript's entries to `dedup`, in file order; (files, skipped counts, prompts)."""
    global _RULES, _FILES
    files = find_files(project)
    _RULES, _FILES = rules, files
    sizes = []
    for f in files:
        try:
            sizes.append(os.path.getsize(f.path))
        except OSError:
            sizes.append(0)
    jobs = jobs or (os.cpu_count() or 1)
    bar = Progress(len(files))
    bad = unreadable = prompts = done = 0

    def take(r: FileResult) -> None:
        nonlocal bad, unreadable, prompts
        bad += r.bad_lines
        unreadable += r.unreadable
        prompts += r.prompts
        dedup.extend(r.entries)

    try:
        if jobs > 1 and len(files) > 1 and sum(sizes) >= PARALLEL_MIN_BYTES and hasattr(os, "fork"):
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(min(jobs, len(files))) as pool:
                for chunk in pool.imap(_parse_many, _chunks(sizes, jobs)):
                    for r in chunk:
                        take(r)
                    done += len(chunk)
                    bar.update(done)
        else:
            for i in range(len(files)):
                take(parse_one(i))
                done += 1
                bar.update(done)
    finally:
        bar.close()
        _FILES = ()
    return files, {"bad_lines": bad, "unreadable_files": unreadable}, prompts
