"""Count each response once, the way ccusage 20.x does.

- message.id + requestId present: one entry across all files and sessions.
- requestId missing: one entry per message.id within a session.
- a sidechain line replaying a parent message (same id, session and
  timestamp, another requestId) is a copy.
- no message.id: never a duplicate.
Of two copies the main-chain one wins, then the one with more tokens; on a tie,
the first seen. The pipeline runs this within each file, and across files only
for the files that share a key (`routing.report.pipeline`): the winner is the
same as one pass over everything in file order, because "first of the best"
composes.
"""

from __future__ import annotations

from typing import Iterable

from routing.report.records import Entry


class Dedup:
    """Fed entries in file order; `kept` holds the winners, in order of first appearance."""

    def __init__(self) -> None:
        self.kept: list[Entry] = []
        self._exact: dict[int, int] = {}
        self._by_msg: dict[int, list[int]] = {}

    def extend(self, entries: Iterable[Entry]) -> None:
        kept, exact, by_msg = self.kept, self._exact, self._by_msg
        for e in entries:
            key = e.key
            if key is None:
                kept.append(e)
                continue
            idx = exact.get(key)
            if idx is None:
                for j in by_msg.get(e.mkey, ()):  # type: ignore[arg-type]
                    other = kept[j]
                    if other.ts == e.ts and (e.side or other.side):
                        idx = j
                        break
            if idx is not None:
                if better(e, kept[idx]):
                    kept[idx] = e
                    exact[key] = idx
                continue
            exact[key] = len(kept)
            by_msg.setdefault(e.mkey, []).append(len(kept))  # type: ignore[arg-type]
            kept.append(e)


def dedup(entries: Iterable[Entry]) -> list[Entry]:
    d = Dedup()
    d.extend(entries)
    return d.kept


def better(candidate: Entry, existing: Entry) -> bool:
    if candidate.side != existing.side:
        return existing.side
    return candidate.tokens() > existing.tokens()
