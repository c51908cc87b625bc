"""The report as a terminal table, JSON or CSV (HTML: routing.report.html)."""

from __future__ import annotations

import json
from typing import Any, Sequence

COLUMNS = ("input_tokens", "output_tokens", "cache_write_tokens", "cache_read_tokens", "requests", "cost")


def to_json(report: dict[str, Any], pretty: bool = True) -> str:
    """Indented for a person; compact (and several times faster to write) for a pipe."""
    if pretty:
        return json.dumps(report, indent=2) + "\n"
    import msgspec

    return msgspec.json.encode(report).decode() + "\n"


def to_csv(report: dict[str, Any]) -> str:
    """One row per line of the chosen view, plus a TOTAL row."""
    import csv  # only for --csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    fields = ("key",) + COLUMNS + ("cache_write_5m_tokens", "cache_write_1h_tokens", "total_tokens")
    w.writerow(fields)
    for r in report["rows"] + [dict(report["totals"], key="TOTAL")]:
        w.writerow([_csv_value(r.get(f)) for f in fields])
    return buf.getvalue()


def _csv_value(v: Any) -> Any:
    return f"{v:.6f}" if isinstance(v, float) else v


def _n(v: int) -> str:
    return f"{v:,}"


def _usd(v: float) -> str:
    return f"${v:,.2f}" if abs(v) >= 0.01 or v == 0 else f"${v:.4f}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right_from: int = 1) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)] if rows else [len(h) for h in headers]
    out = []

    def fmt(cells: Sequence[str]) -> str:
        return "  ".join(
            (str(c).rjust(w) if i >= right_from else str(c).ljust(w)) for i, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()

    out.append(fmt(headers))
    out.append("  ".join("-" * w for w in widths))
    out.extend(fmt(r) for r in rows)
    return out


def _usage_cells(r: dict[str, Any]) -> list[str]:
    return [_n(r["input_tokens"]), _n(r["output_tokens"]), _n(r["cache_write_tokens"]), _n(r["cache_read_tokens"]),
            _usd(r["cost"])]


USAGE_HEADERS = ["Input", "Output", "Cache write", "Cache read", "Cost"]


def to_table(report: dict[str, Any]) -> str:
    lines: list[str] = []
    span = f"{report['since'] or 'start'} .. {report['until'] or 'today'} ({report['timezone']})"
    lines.append(f"modelroute report, {report['view']} view, {span}")
    lines.append("Costs: priced transcripts (recorded tokens at each day's list price), not Claude Code's own meter.")
    lines.append("")
    if not report["totals"]["requests"]:
        lines.append("No usage found in the transcripts for this period.")
        return "\n".join(lines + _footer(report)) + "\n"

    rows = []
    for m in report["by_model"]:
        rows.append([m["model"], m["tool"], m["tier"] or "-", *_usage_cells(m), _n(m["requests"]),
                     f"{100 * m.get('request_share', 0):.1f}%"])
    lines += _table(["Model", "Tool", "Tier"] + USAGE_HEADERS + ["Requests", "Share"], rows, right_from=3)
    lines.append("")
    rows = [[t["tier"], *_usage_cells(t), _n(t["requests"]), f"{100 * t.get('request_share', 0):.1f}%"]
            for t in report["by_tier"]]
    tot = report["totals"]
    rows.append(["TOTAL", *_usage_cells(tot), _n(tot["requests"]), "100.0%"])
    lines += _table(["Tier"] + USAGE_HEADERS + ["Requests", "Share"], rows)
    lines.append("")

    view = report["view"]
    if view != "model":
        key_name = {"daily": "Date", "weekly": "Week of", "monthly": "Month", "session": "Session"}[view]
        if view == "session":
            rows = [[s["project"] + "/" + s["session_id"][:8], s["last_activity"][:10], *_usage_cells(s),
                     "-" if s["escalations"] is None else str(s["escalations"])] for s in report["sessions"]]
            lines += _table(["Session", "Last"] + USAGE_HEADERS + ["Escalations"], rows, right_from=2)
        else:
            rows = [[r["key"], *_usage_cells(r), ", ".join(f"{k} {_usd(v)}" for k, v in r["cost_by_tier"].items())]
                    for r in report["rows"]]
            lines += _table([key_name] + USAGE_HEADERS + ["By tier"], rows)
            esc = [s for s in report["sessions"] if s["escalations"]]
            if esc:
                lines.append("")
                lines.append("Escalations: " + ", ".join(f"{s['session_id'][:8]} {s['escalations']}" for s in esc[:10]))
        lines.append("")

    lines += whatif_lines(report["what_if"])
    return "\n".join(lines + _footer(report)) + "\n"


def _range(lo: float, hi: float) -> str:
    return _usd(lo) if abs(hi - lo) < 0.005 else f"{_usd(lo)} to {_usd(hi)}"


def saving_phrase(sc: dict[str, Any]) -> str:
    """'saves $1.20 to $1.50 (12% to 15%)', or, when it costs more, how much more and why."""
    if sc["name"] == "achieved":
        lo = hi = sc["saving"]
        plo = phi = sc["saving_pct"]
    else:
        lo, hi, plo, phi = sc["saving_low"], sc["saving_high"], sc["saving_pct_low"], sc["saving_pct_high"]
    pct = f"{plo:.1f}%" if abs(phi - plo) < 0.05 else f"{plo:.1f}% to {phi:.1f}%"
    if lo >= 0:
        return f"saves {_range(lo, hi)} ({pct})"
    why = f": {sc['why_more']}" if sc.get("why_more") else ""
    if hi <= 0:
        return f"costs {_range(-hi, -lo)} more{why}"
    return f"between saving {_usd(hi)} and costing {_usd(-lo)} more{why}"


def whatif_lines(wi: dict[str, Any]) -> list[str]:
    """The what-if block: one line per scenario, each with its assumption in one sentence."""
    lines = ["What if (Claude usage; costs are ranges, see the note):"]
    for sc in wi["scenarios"]:
        if sc["name"] == "actual":
            lines.append(f"  {sc['label']}: {_usd(sc['cost'])}")
        elif sc["name"] == "achieved":
            if sc.get("note"):
                lines.append(f"  {sc['label']}: nothing yet, {sc['note']}")
            else:
                lines.append(f"  {sc['label']}: {saving_phrase(sc)} on {sc['subagent_requests']:,} subagent "
                             f"requests ({_usd(sc['cost'])} instead of {_usd(sc['baseline'])})")
        else:
            extra = ""
            if sc["name"] == "follow" and sc.get("switches"):
                extra = f"; {sc['switches']} switches, re-reads {_usd(sc['reread_cost'])} included"
            lines.append(f"  {sc['label']}: {_range(sc['cost_low'], sc['cost_high'])}, {saving_phrase(sc)}{extra}")
        lines.append(f"      {sc['assumption']}")
    lines.append(f"  Note: {wi['range_note']}")
    return lines


def _footer(report: dict[str, Any]) -> list[str]:
    out = []
    sk = report["skipped"]
    if sk.get("bad_lines") or sk.get("unreadable_files"):
        out.append("")
        out.append(f"Skipped {sk.get('bad_lines', 0)} malformed or truncated lines and "
                   f"{sk.get('unreadable_files', 0)} unreadable files.")
    for w in report["warnings"]:
        out.append(f"warning: {w}")
    return out
