"""Count each response once, the way ccusage 20.x does, as entries stream in."""

from __future__ import annotations

from typing import Callable, Iterable, Optional

from routing.report.sources import CR, CW1, CW5, INP, KEY, MKEY, OUT, SIDE, SWITCH, TS


def keep_switch(new: tuple, old: tuple) -> tuple:
    """A replacing copy keeps the turn-start (model switch) mark of the line it replaces."""
    return new if new[SWITCH] or not old[SWITCH] else new[:SWITCH] + (True,) + new[SWITCH + 1:]


class Dedup:
    """Count each response once, as ccusage 20.x does, fed entries in file order.

    - message.id + requestId present: one entry across all files and sessions.
    - requestId missing: one entry per message.id within a session.
    - a sidechain line replaying a parent message (same id, session and
      timestamp, another requestId) is a copy.
    - no message.id: never a duplicate.
    Of two copies the main-chain one wins, then the one with more tokens.
    `on_add`/`on_remove` see every change, so totals can be kept as entries stream in.
    """

    def __init__(self, on_add: Optional[Callable[[tuple], None]] = None,
                 on_remove: Optional[Callable[[tuple], None]] = None) -> None:
        self.kept: list[tuple] = []
        self._exact: dict[int, int] = {}
        self._by_msg: dict[int, list[int]] = {}
        self._on_add = on_add
        self._on_remove = on_remove

    def extend(self, entries: Iterable[tuple]) -> None:
        kept, exact, by_msg, on_add = self.kept, self._exact, self._by_msg, self._on_add
        for e in entries:
            key = e[KEY]
            if key is None:
                kept.append(e)
                if on_add is not None:
                    on_add(e)
                continue
            idx = exact.get(key)
            if idx is None:
                for j in by_msg.get(e[MKEY], ()):
                    other = kept[j]
                    if other[TS] == e[TS] and (e[SIDE] or other[SIDE]):
                        idx = j
                        break
            if idx is not None:
                old = kept[idx]
                if better(e, old):
                    kept[idx] = new = keep_switch(e, old)
                    exact[key] = idx
                    if self._on_remove is not None:
                        self._on_remove(old)
                    if on_add is not None:
                        on_add(new)
                continue
            exact[key] = len(kept)
            by_msg.setdefault(e[MKEY], []).append(len(kept))
            kept.append(e)
            if on_add is not None:
                on_add(e)


def dedup(entries: Iterable[tuple]) -> list[tuple]:
    d = Dedup()
    d.extend(entries)
    return d.kept


def better(candidate: tuple, existing: tuple) -> bool:
    if candidate[SIDE] != existing[SIDE]:
        return existing[SIDE]
    return tokens(candidate) > tokens(existing)


def tokens(e: tuple) -> int:
    return e[INP] + e[OUT] + e[CW5] + e[CW1] + e[CR]
