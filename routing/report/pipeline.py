"""`route report` from start to end: find the transcripts, reuse or parse each, count each response
once, add it all up.

    files -> cache hit? -> parse (routing.report.scan, the parent and forked workers) -> cross-file dedup -> totals

Only files that changed since the last run are read (routing.report.cache). Each
file's record is deduplicated within the file; the few files that share a response
with another file (a resumed session's copy, a sidechain replay) are merged again
here, in file order, as one pass over everything would have done.
"""

from __future__ import annotations

import os
from array import array
from datetime import date, tzinfo
from typing import Any, Callable, Mapping, NamedTuple, Optional

import msgspec

from routing.report import cache as report_cache
from routing.report import totals
from routing.report.totals import summarize
from routing.report.dedup import Dedup
from routing.report.pricing import PriceBook
from routing.report.records import FileRecord, Group, Summary
from routing.report.scan import Classifier, DayOf, Job, decode_entries, group, parse_all
from routing.report.sources import SourceFile, find_files


class Request(NamedTuple):
    """Everything one report depends on; the command builds it from the flags and the config."""

    view: str
    since: Optional[date]
    until: Optional[date]
    project: Optional[str]
    tz: tzinfo
    tz_name: str
    prices: PriceBook
    rules: Any  # the router's RuleSet, or a function that builds it (only called when a prompt is new)
    rules_source: Any  # what the rules were built from (the config's rule layers), for the cache key
    escalations: Mapping[str, int]
    codex_tiers: Mapping[str, str]
    jobs: Optional[int] = None
    use_cache: bool = True


class Outcome(NamedTuple):
    report: dict
    skipped: dict
    cache_error: Optional[str]


def fingerprint(req: Request, router_fp: str) -> str:
    return "|".join((str(report_cache.SCHEMA), req.tz_name, req.prices.fingerprint(), router_fp))


def run(req: Request) -> Outcome:
    files = find_files(req.project)
    router_fp = report_cache.router_fingerprint(req.rules_source)
    fp = fingerprint(req, router_fp)
    idents: list[Optional[tuple[int, int, int]]] = []
    for src in files:
        try:
            st = os.stat(src.path)
            idents.append((st.st_size, st.st_mtime_ns, st.st_ino))
        except OSError:
            idents.append(None)
    salt, memo = report_cache.load_memo(router_fp) if req.use_cache else (os.urandom(16), {})
    classifier = Classifier(req.rules, memo, salt)
    index = report_cache.load_index(fp) if req.use_cache else None
    if index is not None:
        summary = _unchanged(req, files, idents, index, classifier)
        if summary is not None:
            return _outcome(req, summary, None)
    return _full(req, files, idents, fp, router_fp, classifier)


def _unchanged(req: Request, files: list[SourceFile], idents: list, index: report_cache.Index,
               classifier: Classifier) -> Optional[Summary]:
    """The summary of an unchanged tree, read from the index; only the files that were still being
    written are read again. None when anything else changed (or those files became complete)."""
    volatile = set(index.volatile)
    paths = set()
    again: list[int] = []
    for i, src in enumerate(files):
        paths.add(src.path)
        known = index.files.get(src.path)
        if known is not None and idents[i] is not None and tuple(known) == idents[i]:
            continue
        if src.path not in volatile:
            return None
        again.append(i)
    if len(paths) != len(index.files) + len(again) or not paths.issuperset(index.files):
        return None  # a cached file is gone, or this run reads another set (--project)
    job = Job([files[i] for i in again], [None] * len(again), req.prices, req.tz, classifier)
    records = parse_all(job, [0] * len(again), 1)
    if any(r.cacheable for r in records) or (records and _meets(records, array("q", index.keys))):
        return None
    return summarize(records, merge_shared(records, DayOf(req.tz)), into=index.summary)


def _meets(records: list[FileRecord], keys: array) -> bool:
    """Whether any of these (few) records shares a response key with `keys` (many)."""
    few: set[int] = set()
    for r in records:
        few.update(array("q", r.keys))
    return bool(few) and not few.isdisjoint(keys)


def _full(req: Request, files: list[SourceFile], idents: list, fp: str, router_fp: str,
          classifier: Classifier) -> Outcome:
    cached = report_cache.load_files(fp) if req.use_cache else {}
    records: list[Optional[FileRecord]] = [None] * len(files)
    todo: list[int] = []
    sizes: list[int] = []
    for i, src in enumerate(files):
        prior = cached.get(src.path)
        ident = idents[i]
        if (prior is not None and ident is not None and prior.cacheable and (prior.size, prior.mtime_ns, prior.ino) == ident
                and prior.tool == src.tool and prior.project == src.project and prior.session == src.session):
            records[i] = prior
            continue
        todo.append(i)
        sizes.append(ident[0] - (prior.offset if prior is not None and ident[0] > prior.size else 0) if ident else 0)
    if todo:
        job = Job([files[i] for i in todo], [cached.get(files[i].path) for i in todo], req.prices, req.tz, classifier)
        for i, rec in zip(todo, parse_all(job, sizes, req.jobs)):
            records[i] = rec
    done: list[FileRecord] = [r for r in records if r is not None]
    day_of = DayOf(req.tz)
    keep = [r for r in done if r.cacheable]
    volatile = [r for r in done if not r.cacheable]
    stable = summarize(keep, merge_shared(keep, day_of))
    summary = stable
    every = array("q")
    for r in keep:
        every.frombytes(r.keys)
    if volatile:
        if _meets(volatile, every):
            summary = summarize(done, merge_shared(done, day_of))
        else:  # the files still being written share nothing with the rest: add them on top
            copy = msgspec.msgpack.decode(msgspec.msgpack.encode(stable), type=Summary)
            summary = summarize(volatile, merge_shared(volatile, day_of), into=copy)
    saved: Callable[[], Optional[str]] = lambda: None  # noqa: E731
    if req.use_cache and req.project is None:
        def save() -> Optional[str]:
            index = report_cache.Index(report_cache.SCHEMA, fp, {r.path: (r.size, r.mtime_ns, r.ino) for r in keep},
                                       [r.path for r in volatile], stable, every.tobytes())
            return report_cache.save(fp, keep, index, router_fp, classifier.salt, classifier.memo)

        saved = report_cache.behind(save)
        report_cache.write_unknown_models(summary.unknown)
    elif req.use_cache and todo:
        # One project's files: keep every other file's record, and leave the index (made for the
        # whole tree) alone; any file this run read again no longer matches it anyway.
        seen = {r.path for r in done}
        saved = report_cache.behind(lambda: report_cache.save(
            fp, keep + [r for p, r in cached.items() if p not in seen], None, router_fp, classifier.salt,
            classifier.memo))
    try:
        outcome = _outcome(req, summary, None)  # built while the cache is written
    finally:
        error = saved()
    return outcome._replace(cache_error=error)


def _outcome(req: Request, summary: Summary, error: Optional[str]) -> Outcome:
    report = totals.build(summary, req.prices, req.tz_name, req.view, req.since, req.until, req.escalations,
                          req.codex_tiers)
    return Outcome(report, report["skipped"], error)


def merge_shared(records: list[FileRecord], day_of: DayOf) -> dict[int, list[Group]]:
    """New groups for the files that share a response key with another file, after deduplicating
    their entries together in file order; every other file's own groups stand."""
    # A file whose keys are not all new holds a repeated key; every repeated key is in such a file.
    every: set[int] = set()
    maybe: set[int] = set()
    for r in records:
        keys = array("q", r.keys)
        before = len(every)
        every.update(keys)
        if len(every) - before < len(keys):
            maybe.update(keys)
    if not maybe:
        return {}
    # Only a file holding a repeated key can share one with another file: look closer at those.
    seen: set[int] = set()
    shared: set[int] = set()
    key_sets = {}
    for i, r in enumerate(records):
        keys = array("q", r.keys)
        if maybe.isdisjoint(keys):
            continue
        ks = set(keys)
        shared |= ks & seen
        seen |= ks
        key_sets[i] = ks
    dirty = [i for i, ks in key_sets.items() if not shared.isdisjoint(ks)]
    if not dirty:
        return {}
    d = Dedup()
    owner: dict[int, int] = {}
    for i in dirty:
        entries = decode_entries(records[i])
        for e in entries:
            owner[id(e)] = i
        d.extend(entries)
    by_file: dict[int, list] = {i: [] for i in dirty}
    for e in d.kept:
        by_file[owner[id(e)]].append(e)
    return {i: group(es, day_of) for i, es in by_file.items()}
