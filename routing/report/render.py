"""The report as a terminal table, JSON or CSV (HTML: routing.report.html)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Sequence

COLUMNS = ("input_tokens", "output_tokens", "cache_write_tokens", "cache_read_tokens", "requests", "cost")


def to_json(report: dict[str, Any], pretty: bool = True) -> str:
    """Indented for a person; compact (and several times faster to write) for a pipe."""
    if pretty:
        return json.dumps(report, indent=2) + "\n"
    return json.dumps(report, separators=(",", ":")) + "\n"


def to_csv(report: dict[str, Any]) -> str:
    """One row per line of the chosen view, plus a TOTAL row."""
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

    lines.append("What if (Claude usage):")
    rows = []
    for sc in report["what_if"]["scenarios"]:
        label = {"actual": "as used", "all_opus": "all on Opus", "all_sonnet": "all on Sonnet",
                 "routed": "routed by modelroute"}[sc["name"]]
        rows.append([label, _usd(sc["cost"]), _usd(sc["saving_vs_all_opus"]), f"{sc['saving_pct']:.1f}%"])
    lines += _table(["Scenario", "Cost", "Saving vs all-Opus", "%"], rows)
    routed = report["what_if"]["scenarios"][-1]
    lines.append(f"  routed: {routed['switches']} model switches, cache-miss cost {_usd(routed['switch_cost'])} included")
    return "\n".join(lines + _footer(report)) + "\n"


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
