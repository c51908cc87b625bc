"""The report's records: one response's usage and what-if costs, one file's sums per day and model,
and one file's cached parse. msgspec Structs: named fields, cheap to build, and a compact msgpack
form for the worker hand-off and the incremental cache (`routing.report.cache`).

No record holds prompt text: prompts are classified where they are read, and only
the routed tier (and, in the classification cache, a keyed hash) leaves the parser.
"""

from __future__ import annotations

from typing import Optional

import msgspec

# Entry.flags
SWITCHED = 1  # the follow-every-suggestion scenario switched model just before this response
DELEGATED = 2  # a lookup the hook hands to a haiku subagent (automatic scenario)
ROUTED_SUBAGENT = 4  # a subagent response, priced at its routed tier in both scenarios


class Entry(msgspec.Struct, array_like=True, gc=False):
    """One response. `key`/`mkey` are stable 64-bit hashes of the dedup keys (see dedup.py)."""

    key: Optional[int]
    mkey: Optional[int]
    ts: float
    model: Optional[str]
    inp: int
    out: int
    cw5: int
    cw1: int
    cr: int
    side: bool
    cost: float  # as recorded, at the price in force on its day
    auto_lo: float  # automatic mode (no user action), low and high estimates
    auto_hi: float
    fol_lo: float  # every suggestion followed
    fol_hi: float
    reread: float  # follow: the history re-read after a switch (included in fol_lo/fol_hi)
    overhead: float  # automatic: launching and relaying a delegated lookup (included in auto_*)
    routed: Optional[str] = None
    flags: int = 0

    def tokens(self) -> int:
        return self.inp + self.out + self.cw5 + self.cw1 + self.cr


class Group(msgspec.Struct, array_like=True, gc=False):
    """One file's responses on one local day with one model, summed."""

    day: int  # date.toordinal() of the local day
    model: Optional[str]
    requests: int = 0
    inp: int = 0
    out: int = 0
    cw5: int = 0
    cw1: int = 0
    cr: int = 0
    first: float = 0.0
    last: float = 0.0
    cost: float = 0.0
    auto_lo: float = 0.0
    auto_hi: float = 0.0
    fol_lo: float = 0.0
    fol_hi: float = 0.0
    reread: float = 0.0
    overhead: float = 0.0
    switches: int = 0
    delegated: int = 0
    routed_haiku: int = 0
    routed_sonnet: int = 0
    routed_opus: int = 0

    @classmethod
    def of(cls, day: int, model: Optional[str], entries: "list[Entry]") -> "Group":
        """The sums of `entries` (at least one), added in their order. Local running sums, not an
        add() per entry: this runs once per response of every file a report reads."""
        first = last = entries[0].ts
        inp = out = cw5 = cw1 = cr = switches = delegated = haiku = sonnet = opus = 0
        cost = auto_lo = auto_hi = fol_lo = fol_hi = reread = overhead = 0.0
        for e in entries:
            ts = e.ts
            if ts < first:
                first = ts
            elif ts > last:
                last = ts
            inp += e.inp
            out += e.out
            cw5 += e.cw5
            cw1 += e.cw1
            cr += e.cr
            cost += e.cost
            auto_lo += e.auto_lo
            auto_hi += e.auto_hi
            fol_lo += e.fol_lo
            fol_hi += e.fol_hi
            reread += e.reread
            overhead += e.overhead
            flags = e.flags
            if flags:
                if flags & SWITCHED:
                    switches += 1
                if flags & DELEGATED:
                    delegated += 1
            routed = e.routed
            if routed == "haiku":
                haiku += 1
            elif routed == "sonnet":
                sonnet += 1
            elif routed == "opus":
                opus += 1
        return cls(day, model, len(entries), inp, out, cw5, cw1, cr, first, last, cost, auto_lo, auto_hi, fol_lo,
                   fol_hi, reread, overhead, switches, delegated, haiku, sonnet, opus)

    def merge(self, o: "Group") -> None:
        if not self.requests:
            self.first, self.last = o.first, o.last
        else:
            self.first = min(self.first, o.first)
            self.last = max(self.last, o.last)
        self.requests += o.requests
        self.inp += o.inp
        self.out += o.out
        self.cw5 += o.cw5
        self.cw1 += o.cw1
        self.cr += o.cr
        self.cost += o.cost
        self.auto_lo += o.auto_lo
        self.auto_hi += o.auto_hi
        self.fol_lo += o.fol_lo
        self.fol_hi += o.fol_hi
        self.reread += o.reread
        self.overhead += o.overhead
        self.switches += o.switches
        self.delegated += o.delegated
        self.routed_haiku += o.routed_haiku
        self.routed_sonnet += o.routed_sonnet
        self.routed_opus += o.routed_opus


class SessionDay(msgspec.Struct, array_like=True, gc=False):
    """One session's responses on one local day (all its files), for the session list."""

    tool: str
    project: str
    session: str
    day: int
    sums: Group  # model None: every model of the day together
    model_costs: dict[str, float]  # cost per model (tiers are the view's business: other tools map by config)
    subagent_groups: list[Group]  # for the achieved saving (priced against the main thread's model)


class Summary(msgspec.Struct, array_like=True):
    """Everything the report needs from the files, before the view, the period and the state file:
    what the incremental cache keeps so that an unchanged tree is never read again."""

    totals: list[tuple[str, Group]]  # (tool, group per model and local day), all files summed
    sessions: list[SessionDay]
    main_models: dict[str, str]  # "project/session" -> the model of most main-thread responses
    prompts: int = 0
    bad: int = 0
    unreadable: int = 0
    warnings: list[str] = []
    unknown: list[str] = []


class ParseState(msgspec.Struct, array_like=True):
    """Where a Claude transcript's parse stopped: enough to go on with an appended tail."""

    live: Optional[str] = None  # the main thread's recorded tier (model of its latest response)
    sim: Optional[str] = None  # the follow scenario's tier
    recent_auto: list[str] = []
    recent_fol: list[str] = []
    esc_auto: int = 0
    esc_fol: int = 0
    ctx: int = 0  # conversation size after the latest main-thread response
    history: int = 0  # conversation size when the current turn's prompt arrived
    routed: Optional[str] = None  # the current turn's routed tier
    auto_act: str = ""  # the hook's action on the current turn, as the user runs (automatic)
    fol_act: str = ""  # and in the follow scenario
    pending_switch: bool = False  # follow: the next response re-reads the history on a new model
    overhead_due: bool = False  # the delegated turn's launch and relay calls are still to be charged
    sub_lo: int = 0  # delegated lookup: the simulated subagent's previous prompt size (low, high)
    sub_hi: int = 0
    sub_tier: Optional[str] = None  # subagent file: its task's routed tier
    sub_pinned: bool = False  # subagent file: its model was chosen by the caller or agent file
    task_seen: bool = False  # subagent file: its task prompt has been read
    prompts: int = 0
    # The assistant's turn since the last prompt, named for the next one (routing.router.context):
    turn_tools: list[str] = []
    turn_text: str = ""  # the end of its latest text, for the kind only
    turn_seen: bool = False
    turn_interrupted: bool = False
    turn_error: bool = False


class FileRecord(msgspec.Struct, array_like=True):
    """One transcript's parse: its identity, its sums and, for later merging, its entries."""

    path: str
    tool: str  # "claude" or "codex"
    project: str
    session: str
    side: bool  # a subagent transcript
    size: int
    mtime_ns: int
    ino: int
    offset: int  # bytes read: up to the end of the last complete line
    check: bytes  # the bytes just before `offset`, to recognise the same file grown
    state: Optional[ParseState]
    bad: int
    prompts: int
    unreadable: bool
    cacheable: bool  # false when a last line was still being written
    keys: bytes  # every entry's key and mkey, as int64s, for cross-file dedup
    groups: list[Group]
    entries: msgspec.Raw  # msgpack list[Entry]
    unknown: list[str]  # models priced by family (or not at all)
    warnings: list[str]
    main_model: Optional[str] = None  # the model of most main-thread responses
