"""Turn the files' sums into the report: totals, views, sessions, what-ifs.

Pure, in two steps: `summarize` folds the files' records into a Summary (what the
incremental cache keeps), and `build` turns a Summary into one JSON-ready dict for a
view and a period (its field names are the stable `route report --json` format,
documented in `routing.commands.report`). Every cost was computed per response by
the parser at the price of its day; here they are only added up. Codex usage is reported under its own tool and left out of the
what-ifs, which compare Claude tiers.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping, Optional, Sequence

from routing.core.tiers import TIERS, tier_of_model
from routing.report.pricing import PriceBook, cost
from routing.report.records import FileRecord, Group, SessionDay, Summary
from routing.report.whatif import RANGE_NOTE, SCENARIOS

VIEWS = ("daily", "weekly", "monthly", "session", "model")
SCHEMA = "modelroute.report/2"
LABELS = {"actual": "As recorded", "automatic": "With modelroute, automatic",
          "follow": "Following every suggestion", "achieved": "Routing that already ran"}


class Sums:
    """Token and cost totals of any slice of the report."""

    __slots__ = ("inp", "out", "cw5", "cw1", "cr", "requests", "cost")

    def __init__(self) -> None:
        self.inp = self.out = self.cw5 = self.cw1 = self.cr = self.requests = 0
        self.cost = 0.0

    def add(self, g: Group) -> None:
        self.inp += g.inp
        self.out += g.out
        self.cw5 += g.cw5
        self.cw1 += g.cw1
        self.cr += g.cr
        self.requests += g.requests
        self.cost += g.cost

    def to_dict(self, total_requests: int = 0, **extra: Any) -> dict[str, Any]:
        cw = self.cw5 + self.cw1
        d = dict(extra, input_tokens=self.inp, output_tokens=self.out, cache_write_5m_tokens=self.cw5,
                 cache_write_1h_tokens=self.cw1, cache_write_tokens=cw, cache_read_tokens=self.cr,
                 total_tokens=self.inp + self.out + cw + self.cr, requests=self.requests, cost=round(self.cost, 9))
        if total_requests:
            d["request_share"] = round(self.requests / total_requests, 6)
        return d


class WhatIf:
    """The scenarios' sums over Claude usage, with the parts that explain them."""

    def __init__(self) -> None:
        self.requests = 0
        self.actual = self.auto_lo = self.auto_hi = self.fol_lo = self.fol_hi = 0.0
        self.reread = self.overhead = 0.0
        self.auto_up = self.auto_down = self.fol_up = self.fol_down = 0.0
        self.switches = self.delegated = 0
        self.by_tier = {t: 0 for t in TIERS}
        self.sub_actual = self.sub_baseline = 0.0
        self.sub_requests = 0

    def add(self, g: Group) -> None:
        self.requests += g.requests
        self.actual += g.cost
        self.auto_lo += g.auto_lo
        self.auto_hi += g.auto_hi
        self.fol_lo += g.fol_lo
        self.fol_hi += g.fol_hi
        self.reread += g.reread
        self.overhead += g.overhead
        self.switches += g.switches
        self.delegated += g.delegated
        self.by_tier["haiku"] += g.routed_haiku
        self.by_tier["sonnet"] += g.routed_sonnet
        self.by_tier["opus"] += g.routed_opus
        a = g.auto_lo - g.overhead - g.cost
        f = g.fol_lo - g.reread - g.cost
        self.auto_up += max(a, 0.0)
        self.auto_down += max(-a, 0.0)
        self.fol_up += max(f, 0.0)
        self.fol_down += max(-f, 0.0)


def summarize(records: Sequence[FileRecord], groups: Mapping[int, list[Group]], into: Optional[Summary] = None) -> Summary:
    """Fold files' groups into a Summary (or into `into`, a copy of a cached one). `groups` maps a
    record's position to its groups when cross-file dedup changed them."""
    s = into or Summary([], [], {})
    totals: dict[tuple[str, Optional[str], int], Group] = {(t, g.model, g.day): g for t, g in s.totals}
    days: dict[tuple[str, str, str, int], SessionDay] = {(d.tool, d.project, d.session, d.day): d for d in s.sessions}
    warnings, unknown = set(s.warnings), set(s.unknown)
    for i, r in enumerate(records):
        s.prompts += r.prompts
        s.bad += r.bad
        s.unreadable += r.unreadable
        warnings.update(r.warnings)
        unknown.update(r.unknown)
        if not r.side and r.tool == "claude" and r.main_model:
            s.main_models[f"{r.project}/{r.session}"] = r.main_model
        for g in groups.get(i, r.groups):
            if g.requests <= 0:
                continue
            k = (r.tool, g.model, g.day)
            t = totals.get(k)
            if t is None:
                t = totals[k] = Group(g.day, g.model)
            t.merge(g)
            dk = (r.tool, r.project, r.session, g.day)
            d = days.get(dk)
            if d is None:
                d = days[dk] = SessionDay(r.tool, r.project, r.session, g.day, Group(g.day, None), {}, [])
            d.sums.merge(g)
            if g.model is not None:
                d.model_costs[g.model] = d.model_costs.get(g.model, 0.0) + g.cost
                if r.side and r.tool == "claude":
                    d.subagent_groups.append(g)
    s.totals = [(k[0], g) for k, g in totals.items()]
    s.sessions = list(days.values())
    s.warnings, s.unknown = sorted(warnings), sorted(unknown)
    return s


_TIER: dict[str, str] = {}


def _tier(model: str, model_tiers: Optional[Mapping[str, str]] = None) -> str:
    """A Claude model's tier by family, another tool's by the config (models.codex, reversed)."""
    if model_tiers:
        return tier_of_model(model) or model_tiers.get(model) or "other"
    t = _TIER.get(model)
    if t is None:
        t = _TIER[model] = tier_of_model(model) or "other"
    return t


def build(summary: Summary, prices: PriceBook, tz_name: str, view: str = "daily", since: Optional[date] = None,
          until: Optional[date] = None, escalations: Optional[Mapping[str, int]] = None,
          model_tiers: Optional[Mapping[str, str]] = None) -> dict[str, Any]:
    """The report for one view and period. `model_tiers` maps other tools' model names to tiers
    (the config's models.codex, reversed)."""
    escalations = escalations or {}
    lo = since.toordinal() if since else None
    hi = until.toordinal() if until else None

    def inside(day: int) -> bool:
        return (lo is None or day >= lo) and (hi is None or day <= hi)

    totals = Sums()
    models: dict[tuple[str, str], tuple[Sums, Optional[str]]] = {}
    tiers: dict[str, Sums] = {}
    rows: dict[str, tuple[Sums, dict[str, float]]] = {}
    days: dict[int, dict[str, float]] = {}
    wi = WhatIf()
    for tool, g in summary.totals:
        if g.requests <= 0 or not inside(g.day):
            continue
        model = g.model
        tier = _tier(model, model_tiers if tool != "claude" else None) if model else ""
        totals.add(g)
        label = model or "<none>"
        m = models.get((tool, label))
        if m is None:
            m = models[(tool, label)] = (Sums(), tier or None)
        m[0].add(g)
        if model is not None:
            tiers.setdefault(tier, Sums()).add(g)
            dd = days.setdefault(g.day, {})
            dd[tier] = dd.get(tier, 0.0) + g.cost
        if view != "session":
            rkey = (tool + ":" + label) if view == "model" else bucket(date.fromordinal(g.day), view)
            row = rows.get(rkey)
            if row is None:
                row = rows[rkey] = (Sums(), {})
            row[0].add(g)
            if model is not None:
                row[1][tier] = row[1].get(tier, 0.0) + g.cost
        if tool == "claude" and model is not None:
            wi.add(g)

    sessions: dict[tuple[str, str, str], dict[str, Any]] = {}
    for d in summary.sessions:
        if not inside(d.day):
            continue
        key = (d.tool, d.project, d.session)
        s = sessions.get(key)
        if s is None:
            s = sessions[key] = {"sums": Sums(), "first": d.sums.first, "last": d.sums.last, "models": set(), "tiers": {}}
        s["sums"].add(d.sums)
        s["first"] = min(s["first"], d.sums.first)
        s["last"] = max(s["last"], d.sums.last)
        s["models"].update(d.model_costs)
        mt = model_tiers if d.tool != "claude" else None
        for m, c in d.model_costs.items():
            t = _tier(m, mt)
            s["tiers"][t] = s["tiers"].get(t, 0.0) + c
        if view == "session":
            rkey = f"{d.project}/{d.session}"
            row = rows.get(rkey)
            if row is None:
                row = rows[rkey] = (Sums(), {})
            row[0].add(d.sums)
            for m, c in d.model_costs.items():
                t = _tier(m, mt)
                row[1][t] = row[1].get(t, 0.0) + c
        parent = summary.main_models.get(f"{d.project}/{d.session}")
        for g in d.subagent_groups:
            _achieved(wi, parent, g, prices)

    n = totals.requests
    by_model = sorted((s.to_dict(n, tool=tool, model=label, tier=t) for (tool, label), (s, t) in models.items()),
                      key=lambda m: (-m["cost"], m["model"]))
    by_tier = [tiers[t].to_dict(n, tier=t) for t in list(TIERS) + sorted(set(tiers) - set(TIERS)) if t in tiers]
    view_rows = sorted((s.to_dict(n, key=k, cost_by_tier=_rounded(ct)) for k, (s, ct) in rows.items()),
                       key=lambda r: r["key"])
    if view == "model":
        view_rows.sort(key=lambda r: -r["cost"])
    session_rows = []
    for (tool, project, sid), s in sessions.items():
        session_rows.append(s["sums"].to_dict(
            n, tool=tool, project=project, session_id=sid, first_activity=_iso(s["first"]),
            last_activity=_iso(s["last"]), models=sorted(s["models"]), cost_by_tier=_rounded(s["tiers"]),
            escalations=escalations.get(sid)))
    session_rows.sort(key=lambda s: (s["last_activity"], s["session_id"]), reverse=True)
    return {
        "schema": SCHEMA,
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "view": view,
        "timezone": tz_name,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "cost_source": "priced transcripts: the recorded token counts at the list price of each response's day",
        "totals": totals.to_dict(),
        "by_model": by_model,
        "by_tier": by_tier,
        "rows": view_rows,
        "sessions": session_rows,
        "days": [{"date": date.fromordinal(k).isoformat(), "cost": round(sum(v.values()), 9),
                  "cost_by_tier": _rounded(v)} for k, v in sorted(days.items())],
        "what_if": _what_if(wi, summary.prompts),
        "skipped": {"bad_lines": summary.bad, "unreadable_files": summary.unreadable},
        "warnings": list(summary.warnings),
    }


def _achieved(wi: "WhatIf", parent: Optional[str], g: Group, prices: PriceBook) -> None:
    """A subagent that ran on another model than its main thread, against that model's price for
    the same tokens (summed per day: long-context and prompt-band rates apply to the day's sums,
    an approximation)."""
    if not parent or parent == g.model:
        return
    p = prices.resolve(parent, g.day - 719163)[1]
    if p is None:
        return
    wi.sub_requests += g.requests
    wi.sub_actual += g.cost
    wi.sub_baseline += cost(p, g.inp, g.out, g.cw5, g.cw1, g.cr)


def _why(parts: list[tuple[float, str]]) -> str:
    return max(parts)[1] if parts else ""


def _scenario(name: str, actual: float, lo: float, hi: float, reasons: list[tuple[float, str]],
              **extra: Any) -> dict[str, Any]:
    save_hi, save_lo = actual - lo, actual - hi
    base = actual if actual > 0 else 0.0
    d: dict[str, Any] = dict(
        name=name, label=LABELS[name], assumption=SCENARIOS[name], cost_low=round(lo, 9), cost_high=round(hi, 9),
        saving_low=round(save_lo, 9), saving_high=round(save_hi, 9),
        saving_pct_low=round(100 * save_lo / base, 2) if base else 0.0,
        saving_pct_high=round(100 * save_hi / base, 2) if base else 0.0, **extra)
    d["why_more"] = _why(reasons) if save_lo < 0 else None
    return d


def _what_if(wi: WhatIf, prompts: int) -> dict[str, Any]:
    a = wi.actual
    auto_reasons = [
        (wi.overhead - max(wi.auto_down, 0.0) if wi.delegated else -1.0,
         "delegated lookups: launching a haiku subagent (two main-model calls, and a cold cache) cost more "
         "than answering in the main thread's warm cache"),
        (wi.auto_up, "subagents: the router sends their tasks to a pricier tier than the one they ran on"),
    ]
    fol_reasons = [
        (wi.reread, "short sessions: the cache re-reads after each switch cost more than the cheaper model saved"),
        (wi.fol_up, "prompts the router sends to a pricier tier than the one that ran cost more there"),
        (wi.overhead if wi.delegated else -1.0, "delegated lookups: the subagents' cold caches and the relay calls"),
    ]
    achieved = {
        "name": "achieved", "label": LABELS["achieved"], "assumption": SCENARIOS["achieved"],
        "cost": round(wi.sub_actual, 9), "baseline": round(wi.sub_baseline, 9),
        "saving": round(wi.sub_baseline - wi.sub_actual, 9), "subagent_requests": wi.sub_requests,
        "saving_pct": round(100 * (wi.sub_baseline - wi.sub_actual) / a, 2) if a > 0 else 0.0,
        "why_more": ("subagents ran on a pricier model than their main thread"
                     if wi.sub_baseline < wi.sub_actual else None),
    }
    if not wi.sub_requests:
        achieved["note"] = "no subagent ran on another model than its main thread"
    return {
        "method": " ".join(SCENARIOS[k] for k in ("automatic", "follow", "achieved")),
        "range_note": RANGE_NOTE,
        "claude_requests": wi.requests,
        "prompts_classified": prompts,
        "requests_by_routed_tier": wi.by_tier,
        "scenarios": [
            {"name": "actual", "label": LABELS["actual"], "assumption": SCENARIOS["actual"],
             "cost_low": round(a, 9), "cost_high": round(a, 9), "cost": round(a, 9)},
            _scenario("automatic", a, wi.auto_lo, wi.auto_hi, auto_reasons, delegated_requests=wi.delegated,
                      delegation_overhead=round(wi.overhead, 9)),
            _scenario("follow", a, wi.fol_lo, wi.fol_hi, fol_reasons, switches=wi.switches,
                      reread_cost=round(wi.reread, 9), delegated_requests=wi.delegated),
            achieved,
        ],
    }


def bucket(d: date, view: str) -> str:
    if view == "weekly":
        return (d - timedelta(days=d.weekday())).isoformat()  # weeks start on Monday
    if view == "monthly":
        return d.strftime("%Y-%m")
    return d.isoformat()


def _rounded(d: Mapping[str, float]) -> dict[str, float]:
    return {k: round(v, 9) for k, v in sorted(d.items())}


def _iso(ts: float) -> str:
    dt = datetime.fromtimestamp(ts, timezone.utc)
    # isoformat is strftime's answer, faster (twice per session), except that %Y does not pad years < 1000
    head = dt.isoformat()[:19] if dt.year >= 1000 else dt.strftime("%Y-%m-%dT%H:%M:%S")
    return head + f".{int(ts * 1000) % 1000:03d}Z"
