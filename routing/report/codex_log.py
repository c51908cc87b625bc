"""Parse one Codex rollout (`$CODEX_HOME/sessions/**/rollout-*.jsonl`) into usage entries.

Checked against real Codex 0.169.0 rollouts: `session_meta` names the
session, `turn_context` the model, and each request's usage is an
`event_msg` of type `token_count` (`info.last_token_usage`; a repeated
`total_token_usage` is the same request reported again).
"""

from __future__ import annotations

from typing import Optional

import msgspec

from routing.report.pricing import DAY, PriceBook, cost
from routing.report.records import Entry
from routing.report.sources import Parsed, SourceFile, parse_ts, stable_key, to_int

_decode = msgspec.json.Decoder().decode


def parse_codex(src: SourceFile, data: bytes, parsed: Parsed, prices: PriceBook) -> None:
    """Usage of one Codex rollout: `token_count` events, priced by the latest `turn_context` model.

    Codex reports input including cached input; entries store the uncached
    part as input and the cached part as cache read, matching Claude's shape.
    Codex usage is left out of the what-ifs, which compare Claude tiers.
    """
    model: Optional[str] = None
    session = src.session
    prev_total: Optional[tuple[int, int, int]] = None
    n = 0
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        try:
            obj = _decode(raw)
        except msgspec.DecodeError:
            parsed.bad += 1
            continue
        if not isinstance(obj, dict):
            parsed.bad += 1
            continue
        payload = obj.get("payload")
        if not isinstance(payload, dict):
            continue
        kind = obj.get("type")
        if kind == "session_meta" and isinstance(payload.get("id"), str):
            session = payload["id"]
            continue
        if kind == "turn_context" and isinstance(payload.get("model"), str):
            model = payload["model"]
            continue
        if kind != "event_msg" or payload.get("type") != "token_count":
            continue
        info = payload.get("info")
        if not isinstance(info, dict):
            continue
        last = info.get("last_token_usage")
        total = info.get("total_token_usage")
        if isinstance(total, dict):
            t = (to_int(total.get("input_tokens")), to_int(total.get("cached_input_tokens")),
                 to_int(total.get("output_tokens")))
            if t == prev_total:
                continue  # the same totals re-reported: no new request
            if not isinstance(last, dict) and prev_total is not None:
                last = {"input_tokens": t[0] - prev_total[0], "cached_input_tokens": t[1] - prev_total[1],
                        "output_tokens": t[2] - prev_total[2]}
            elif not isinstance(last, dict):
                last = total
            prev_total = t
        if not isinstance(last, dict):
            continue
        ts = parse_ts(obj.get("timestamp"))
        if ts is None:
            parsed.bad += 1
            continue
        m = model or (info.get("model") if isinstance(info.get("model"), str) else None) or "gpt-5"
        inp_all = to_int(last.get("input_tokens"))
        cached = min(to_int(last.get("cached_input_tokens")), inp_all)
        out = to_int(last.get("output_tokens"))
        n += 1
        p = prices.resolve(m, int(ts // DAY))[1]
        c = cost(p, inp_all - cached, out, 0, 0, cached) if p is not None else 0.0
        key = stable_key("codex", session, str(n))
        parsed.entries.append(Entry(key, key, ts, m, inp_all - cached, out, 0, 0, cached, False,
                                    c, c, c, c, c, 0.0, 0.0, None, 0))
