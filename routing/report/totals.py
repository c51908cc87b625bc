"""Turn deduplicated usage entries into the report: totals, views, sessions, what-ifs.

Pure: entries in, one JSON-ready dict out (its field names are the stable
`route report --json` format, documented in `routing.commands.report`).

The what-ifs price the same token buckets again:
  all_opus / all_sonnet: every Claude response at that tier's model price;
  routed: every response at the model of the tier modelroute's router picks
  for the user prompt that started its turn (subagents: their task prompt).
  Switching model loses the prompt cache, so the first response after the
  routed tier changes pays full input price for the history it re-reads:
  its cache-read tokens are charged at the input rate.
Codex usage is reported under its own tool and left out of the what-ifs,
which compare Claude tiers.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, Mapping, Optional, Sequence

from routing.core.tiers import TIERS, tier_of_model
from routing.report.pricing import TIER_MODEL, Price, PriceBook, cost
from routing.report.sources import CR, CW1, CW5, FILE, INP, MODEL, OUT, ROUTED, SWITCH, TS, SourceFile

VIEWS = ("daily", "weekly", "monthly", "session", "model")
TOKEN_FIELDS = ("input_tokens", "output_tokens", "cache_write_5m_tokens", "cache_write_1h_tokens",
                "cache_read_tokens")


def _zero() -> dict[str, Any]:
    return {"input_tokens": 0, "output_tokens": 0, "cache_write_5m_tokens": 0, "cache_write_1h_tokens": 0,
            "cache_read_tokens": 0, "requests": 0, "cost": 0.0}


def _add(acc: dict[str, Any], g: list, c: float) -> None:
    acc["input_tokens"] += g[0]
    acc["output_tokens"] += g[1]
    acc["cache_write_5m_tokens"] += g[2]
    acc["cache_write_1h_tokens"] += g[3]
    acc["cache_read_tokens"] += g[4]
    acc["requests"] += g[5]
    acc["cost"] += c


def _finish(acc: dict[str, Any], total_requests: int = 0) -> dict[str, Any]:
    acc["cache_write_tokens"] = acc["cache_write_5m_tokens"] + acc["cache_write_1h_tokens"]
    acc["total_tokens"] = (acc["input_tokens"] + acc["output_tokens"] + acc["cache_write_tokens"]
                           + acc["cache_read_tokens"])
    if total_requests:
        acc["request_share"] = round(acc["requests"] / total_requests, 6)
    acc["cost"] = round(acc["cost"], 9)
    return acc


class DayOf:
    """Local calendar day of a timestamp; cached per 15 minutes (every UTC offset is a multiple)."""

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self.cache: dict[int, date] = {}

    def __call__(self, ts: float) -> date:
        slot = int(ts // 900)
        d = self.cache.get(slot)
        if d is None:
            d = datetime.fromtimestamp(slot * 900, self.tz).date()
            self.cache[slot] = d
        return d


def bucket(d: date, view: str) -> str:
    if view == "weekly":
        return (d - timedelta(days=d.weekday())).isoformat()  # weeks start on Monday
    if view == "monthly":
        return d.strftime("%Y-%m")
    return d.isoformat()


class Groups:
    """Pass 1: tokens summed per (file, local day, model, routed tier, switch), kept up to
    date as deduplicated entries arrive (and, rarely, are replaced). Prices are linear in
    tokens except long-context tiers, whose cost is summed per response here instead."""

    def __init__(self, prices: PriceBook, tz: tzinfo = timezone.utc) -> None:
        self.prices = prices
        self.day_of = DayOf(tz)
        self.groups: dict[tuple, list] = {}
        self.tier_prices = {t: prices.resolve(m)[1] for t, m in TIER_MODEL.items()}
        self.linear = {t: p is not None and p.long_input is None for t, p in self.tier_prices.items()}
        self._all_linear = all(self.linear.values())
        self._model_linear: dict[Optional[str], bool] = {}

    def remove(self, e: tuple) -> None:
        self.add(e, -1)

    def add(self, e: tuple, sign: int = 1) -> None:
        model = e[MODEL]
        inp, out, cw5, cw1, cr = e[INP], e[OUT], e[CW5], e[CW1], e[CR]
        if model is None and not (inp or out or cw5 or cw1 or cr):
            return  # `<synthetic>` lines: Claude Code's local notices, not API calls
        ts = e[TS]
        key = (e[FILE], self.day_of(ts), model, e[ROUTED], e[SWITCH])
        g = self.groups.get(key)
        if g is None:
            g = self.groups[key] = [0, 0, 0, 0, 0, 0, ts, ts, 0.0, 0.0, 0.0, 0.0]
        if sign == 1:
            g[0] += inp
            g[1] += out
            g[2] += cw5
            g[3] += cw1
            g[4] += cr
            g[5] += 1
            if ts < g[6]:
                g[6] = ts
            elif ts > g[7]:
                g[7] = ts
        else:
            g[0] -= inp
            g[1] -= out
            g[2] -= cw5
            g[3] -= cw1
            g[4] -= cr
            g[5] -= 1
        lin = self._model_linear.get(model)
        if lin is None:
            p = self.prices.resolve(model)[1] if model is not None else None
            lin = self._model_linear[model] = p is None or p.long_input is None
        if not lin:
            g[8] += sign * cost(self.prices.resolve(model)[1], inp, out, cw5, cw1, cr)  # type: ignore[arg-type]
        if not self._all_linear:
            self._nonlinear_whatifs(g, e, sign)

    def _nonlinear_whatifs(self, g: list, e: tuple, sign: int) -> None:
        tp, linear = self.tier_prices, self.linear
        inp, out, cw5, cw1, cr = e[INP], e[OUT], e[CW5], e[CW1], e[CR]
        for i, t in ((9, "opus"), (10, "sonnet")):
            if not linear[t] and tp[t] is not None:
                g[i] += sign * cost(tp[t], inp, out, cw5, cw1, cr)  # type: ignore[arg-type]
        rt = e[ROUTED] if e[ROUTED] in tp else (tier_of_model(e[MODEL]) or "opus")
        rt = rt if rt in tp else "opus"
        rp = tp[rt]
        if not linear[rt] and rp is not None:
            g[11] += sign * (cost(rp, inp + cr, out, cw5, cw1, 0) if e[SWITCH] else cost(rp, inp, out, cw5, cw1, cr))


def build(entries: Sequence[tuple], files: Sequence[SourceFile], prices: PriceBook, tz: tzinfo, tz_name: str,
          **kw: Any) -> dict[str, Any]:
    """The report from deduplicated entries (see `build_groups` for the keywords)."""
    groups = Groups(prices, tz)
    for e in entries:
        groups.add(e)
    return build_groups(groups, files, tz_name, **kw)


def build_groups(
    grouped: Groups,
    files: Sequence[SourceFile],
    tz_name: str,
    view: str = "daily",
    since: Optional[date] = None,
    until: Optional[date] = None,
    escalations: Optional[Mapping[str, int]] = None,
    skipped: Optional[Mapping[str, int]] = None,
    prompts: int = 0,
    model_tiers: Optional[Mapping[str, str]] = None,
) -> dict[str, Any]:
    """Pass 2: price each group and add it to every view. `model_tiers` maps other tools' model
    names to tiers (the config's models.codex, reversed)."""
    prices = grouped.prices
    escalations = escalations or {}
    opus_key, sonnet_key = TIER_MODEL["opus"], TIER_MODEL["sonnet"]
    tier_prices, linear, groups = grouped.tier_prices, grouped.linear, grouped.groups

    totals = _zero()
    models: dict[tuple[str, str], dict[str, Any]] = {}
    tiers: dict[str, dict[str, Any]] = {}
    rows: dict[str, dict[str, Any]] = {}
    sessions: dict[tuple[str, str, str], dict[str, Any]] = {}
    days: dict[str, dict[str, float]] = {}
    whatif = {"actual": 0.0, "all_opus": 0.0, "all_sonnet": 0.0, "routed": 0.0}
    routed_requests = {t: 0 for t in TIERS}
    switches = 0
    switch_cost = 0.0
    claude_requests = 0
    price_of: dict[Optional[str], tuple[str, Optional[Price], str]] = {}

    for (fidx, d, model, routed, switch), g in groups.items():
        if g[5] <= 0:
            continue  # every response in it was replaced by a better copy elsewhere
        if (since is not None and d < since) or (until is not None and d > until):
            continue
        info = price_of.get(model)
        if info is None:
            if model is None:
                info = ("", None, "")
            else:
                key_, p = prices.resolve(model)
                info = (key_, p, tier_of_model(model) or (model_tiers or {}).get(model) or "other")
            price_of[model] = info
        _key, p, tier = info
        if p is None:
            c = 0.0
        elif p.long_input is None:
            c = cost(p, g[0], g[1], g[2], g[3], g[4])
        else:
            c = g[8]
        src = files[fidx]
        _add(totals, g, c)
        label = model or "<none>"
        m = models.get((src.tool, label))
        if m is None:
            m = models[(src.tool, label)] = dict(_zero(), tool=src.tool, model=label, tier=tier or None)
        _add(m, g, c)
        if model is not None:
            t = tiers.get(tier)
            if t is None:
                t = tiers[tier] = dict(_zero(), tier=tier)
            _add(t, g, c)
        rkey = (src.tool + ":" + label) if view == "model" else (
            f"{src.project}/{src.session}" if view == "session" else bucket(d, view))
        r = rows.get(rkey)
        if r is None:
            r = rows[rkey] = dict(_zero(), key=rkey, cost_by_tier={})
        _add(r, g, c)
        if model is not None:
            r["cost_by_tier"][tier] = r["cost_by_tier"].get(tier, 0.0) + c
            dd = days.setdefault(d.isoformat(), {})
            dd[tier] = dd.get(tier, 0.0) + c
        skey = (src.tool, src.project, src.session)
        s = sessions.get(skey)
        if s is None:
            s = sessions[skey] = dict(_zero(), tool=src.tool, project=src.project, session_id=src.session,
                                      first=g[6], last=g[7], models=set(), cost_by_tier={})
        _add(s, g, c)
        s["first"] = min(s["first"], g[6])
        s["last"] = max(s["last"], g[7])
        if model is not None:
            s["models"].add(model)
            s["cost_by_tier"][tier] = s["cost_by_tier"].get(tier, 0.0) + c

        if src.tool != "claude" or model is None:
            continue
        claude_requests += g[5]
        whatif["actual"] += c
        for name, i, t in (("all_opus", 9, "opus"), ("all_sonnet", 10, "sonnet")):
            tp = tier_prices[t]
            if tp is not None:
                whatif[name] += cost(tp, g[0], g[1], g[2], g[3], g[4]) if linear[t] else g[i]
        rt = routed if routed in tier_prices else (tier if tier in tier_prices else "opus")
        rp = tier_prices[rt]
        routed_requests[rt] += g[5]
        if rp is None:
            continue
        if not linear[rt]:
            whatif["routed"] += g[11]
            continue
        normal = cost(rp, g[0], g[1], g[2], g[3], g[4])
        if switch:
            # Cache miss: the re-read history is billed as fresh input.
            rc = cost(rp, g[0] + g[4], g[1], g[2], g[3], 0)
            switches += g[5]
            switch_cost += rc - normal
        else:
            rc = normal
        whatif["routed"] += rc

    n = totals["requests"]
    by_model = sorted((_finish(m, n) for m in models.values()), key=lambda m: (-m["cost"], m["model"]))
    by_tier = [_finish(tiers[t], n) for t in list(TIERS) + sorted(set(tiers) - set(TIERS)) if t in tiers]
    for r in rows.values():
        r["cost_by_tier"] = {k: round(v, 9) for k, v in sorted(r["cost_by_tier"].items())}
    view_rows = sorted((_finish(r, n) for r in rows.values()), key=lambda r: r["key"])
    if view == "model":
        view_rows.sort(key=lambda r: -r["cost"])
    session_rows = []
    for s in sessions.values():
        first, last = s.pop("first"), s.pop("last")
        s["first_activity"] = _iso(first)
        s["last_activity"] = _iso(last)
        s["models"] = sorted(s["models"])
        s["cost_by_tier"] = {k: round(v, 9) for k, v in sorted(s["cost_by_tier"].items())}
        s["escalations"] = escalations.get(s["session_id"])
        session_rows.append(_finish(s, n))
    session_rows.sort(key=lambda s: s["last_activity"], reverse=True)

    base = whatif["all_opus"]

    def scenario(name: str, value: float, **extra: Any) -> dict[str, Any]:
        saving = base - value
        return dict(
            name=name, cost=round(value, 9), saving_vs_all_opus=round(saving, 9),
            saving_pct=round(100 * saving / base, 2) if base > 0 else 0.0, **extra,
        )

    return {
        "schema": "modelroute.report/1",
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "view": view,
        "timezone": tz_name,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "totals": _finish(totals),
        "by_model": by_model,
        "by_tier": by_tier,
        "rows": view_rows,
        "sessions": session_rows,
        "days": [{"date": k, "cost": round(sum(v.values()), 9), "cost_by_tier": {t: round(c, 9) for t, c in sorted(v.items())}}
                 for k, v in sorted(days.items())],
        "what_if": {
            "method": WHATIF_METHOD,
            "claude_requests": claude_requests,
            "scenarios": [
                scenario("actual", whatif["actual"]),
                scenario("all_opus", whatif["all_opus"], model=opus_key),
                scenario("all_sonnet", whatif["all_sonnet"], model=sonnet_key),
                scenario("routed", whatif["routed"], models=dict(TIER_MODEL), switches=switches,
                         switch_cost=round(switch_cost, 9), requests_by_tier=routed_requests,
                         prompts_classified=prompts),
            ],
        },
        "skipped": dict(skipped or {}),
        "warnings": sorted(prices.warnings.values()),
    }


WHATIF_METHOD = (
    "Each what-if prices the same recorded token counts again. all_opus and all_sonnet bill every Claude "
    "response at that tier's model price. routed classifies each real user prompt (and each subagent's task "
    "prompt) with modelroute's router and bills the responses of that turn at the routed tier's model; when "
    "the routed tier changes between turns, the first response after the switch pays full input price for the "
    "history it re-reads (its cache reads are billed as input), because the new model has no prompt cache."
)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ts * 1000) % 1000:03d}Z"
