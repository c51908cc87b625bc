"""The report as one self-contained HTML page: inline SVG charts, inline CSS and script, nothing fetched.

Charts are drawn here as SVG (readable with scripts off); the small inline
script only sorts the session table and records each chart's rendered size
on its element (`data-rendered`), which the browser test reads back.
Every figure also sits in a `data-value` attribute with the exact JSON value.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any, Sequence

COLORS = {"haiku": "#4e9a06", "sonnet": "#3465a4", "opus": "#a40000", "other": "#888a85"}
TIER_ORDER = ("haiku", "sonnet", "opus", "other")


def _usd(v: float) -> str:
    return f"${v:,.2f}" if abs(v) >= 0.01 or v == 0 else f"${v:.4f}"


def _num(v: Any) -> str:
    return escape(repr(v) if isinstance(v, float) else str(v), quote=True)


def _tiers_of(series: Sequence[dict[str, Any]]) -> list[str]:
    present = {t for d in series for t in d["cost_by_tier"]}
    return [t for t in TIER_ORDER if t in present] + sorted(present - set(TIER_ORDER))


def nice_ticks(peak: float, most: int = 5) -> tuple[list[float], int]:
    """Round tick values from 0 to at least `peak` (at most `most` intervals) and the decimals
    that show them all at one precision: steps of 1, 2, 2.5 or 5 times a power of ten."""
    import math

    if peak <= 0:
        return [0.0, 1.0], 0
    raw = peak / most
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    n = math.ceil(peak / step - 1e-9)
    decimals = next(d for d in range(12) if abs(step * 10 ** d - round(step * 10 ** d)) < 1e-6)
    return [round(k * step, 10) for k in range(n + 1)], decimals


def _tick_label(v: float, decimals: int) -> str:
    return f"${v:,.{decimals}f}"


def daily_chart(days: Sequence[dict[str, Any]]) -> str:
    """Cost per day, one bar per day stacked by tier, on a y-axis of round ticks."""
    width, height, left, bottom, top = 860, 280, 70, 28, 12
    if not days:
        return '<p class="empty">No usage in this period.</p>'
    tiers = _tiers_of(days)
    ticks, decimals = nice_ticks(max(d["cost"] for d in days))
    peak = ticks[-1]
    plot_w, plot_h = width - left - 10, height - bottom - top
    slot = plot_w / len(days)
    bar_w = max(min(slot * 0.8, 48), 1.5)
    parts = [f'<svg id="chart-daily" class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="Cost per day by tier">']
    for v in ticks:
        y = top + plot_h - plot_h * v / peak
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" class="axis tick" text-anchor="end" '
                     f'data-value="{_num(v)}">{_tick_label(v, decimals)}</text>')
    label_every = max(1, len(days) // 12)
    for i, d in enumerate(days):
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h
        parts.append(f'<g class="day" data-date="{escape(d["date"])}" data-value="{_num(d["cost"])}">'
                     f'<title>{escape(d["date"])}: {_usd(d["cost"])}</title>')
        for t in tiers:
            c = d["cost_by_tier"].get(t, 0.0)
            if c <= 0:
                continue
            h = plot_h * c / peak
            y -= h
            parts.append(f'<rect class="bar tier-{escape(t)}" x="{x:.2f}" y="{y:.2f}" width="{bar_w:.2f}" '
                         f'height="{max(h, 0.5):.2f}" fill="{COLORS.get(t, COLORS["other"])}" '
                         f'data-tier="{escape(t)}" data-value="{_num(c)}"/>')
        parts.append("</g>")
        if i % label_every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 8}" class="axis" text-anchor="middle">'
                         f'{escape(d["date"][5:])}</text>')
    parts.append("</svg>")
    legend = "".join(f'<span class="key"><i style="background:{COLORS.get(t, COLORS["other"])}"></i>{escape(t)}</span>'
                     for t in tiers)
    return f'<div class="scroll">{"".join(parts)}</div><div class="legend">{legend}</div>'


def tier_mix(by_tier: Sequence[dict[str, Any]]) -> str:
    """Share of requests per tier as one stacked bar, and the same in a table."""
    width, height = 860, 36
    parts = [f'<svg id="chart-mix" class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="Tier mix">']
    x = 0.0
    for t in by_tier:
        share = t.get("request_share", 0.0)
        w = width * share
        if w <= 0:
            continue
        parts.append(f'<rect class="mix tier-{escape(t["tier"])}" x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" '
                     f'fill="{COLORS.get(t["tier"], COLORS["other"])}" data-tier="{escape(t["tier"])}" '
                     f'data-value="{_num(share)}"><title>{escape(t["tier"])}: {100 * share:.1f}%</title></rect>')
        if w > 60:
            parts.append(f'<text x="{x + w / 2:.1f}" y="23" class="inbar" text-anchor="middle">'
                         f'{escape(t["tier"])} {100 * share:.0f}%</text>')
        x += w
    parts.append("</svg>")
    rows = "".join(
        f'<tr data-tier="{escape(t["tier"])}"><td>{escape(t["tier"])}</td>'
        f'<td class="n" data-value="{t["requests"]}">{t["requests"]:,}</td>'
        f'<td class="n" data-value="{_num(t.get("request_share", 0.0))}">{100 * t.get("request_share", 0.0):.1f}%</td>'
        f'<td class="n" data-value="{t["input_tokens"]}">{t["input_tokens"]:,}</td>'
        f'<td class="n" data-value="{t["output_tokens"]}">{t["output_tokens"]:,}</td>'
        f'<td class="n" data-value="{t["cache_write_tokens"]}">{t["cache_write_tokens"]:,}</td>'
        f'<td class="n" data-value="{t["cache_read_tokens"]}">{t["cache_read_tokens"]:,}</td>'
        f'<td class="n" data-value="{_num(t["cost"])}">{_usd(t["cost"])}</td></tr>'
        for t in by_tier
    )
    table = ('<div class="wide"><table id="tiers"><thead><tr><th>Tier</th><th>Requests</th><th>Share</th><th>Input</th><th>Output</th>'
             f'<th>Cache write</th><th>Cache read</th><th>Cost</th></tr></thead><tbody>{rows}</tbody></table></div>')
    return "".join(parts) + table


def whatif_bars(scenarios: Sequence[dict[str, Any]]) -> str:
    """One bar per scenario: solid to the low estimate, lighter on to the high one."""
    bars = [s for s in scenarios if s["name"] != "achieved"]
    width, row_h, left = 860, 34, 230
    height = row_h * len(bars) + 8
    peak = max((s["cost_high"] for s in bars), default=0.0) or 1.0
    colors = {"actual": "#555753", "automatic": "#f57900", "follow": "#3465a4"}
    scale = (width - left - 200) / peak
    parts = [f'<svg id="chart-whatif" class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="What-if costs">']
    for i, s in enumerate(bars):
        y = 4 + i * row_h
        lo = max(s["cost_low"] * scale, 1.0)
        hi = max(s["cost_high"] * scale - lo, 0.0)
        color = colors.get(s["name"], "#888")
        text = _usd(s["cost_low"]) if hi < 0.5 else f'{_usd(s["cost_low"])} to {_usd(s["cost_high"])}'
        parts.append(
            f'<text x="{left - 8}" y="{y + 21}" class="axis" text-anchor="end">{escape(s["label"])}</text>'
            f'<rect class="whatif-bar" data-name="{escape(s["name"])}" data-value="{_num(s["cost_low"])}" '
            f'data-high="{_num(s["cost_high"])}" x="{left}" y="{y + 4}" width="{lo:.2f}" height="{row_h - 10}" '
            f'fill="{color}"/>'
            + (f'<rect class="whatif-range" x="{left + lo:.2f}" y="{y + 4}" width="{hi:.2f}" height="{row_h - 10}" '
               f'fill="{color}" fill-opacity="0.35"/>' if hi >= 0.5 else "")
            + f'<text x="{left + lo + hi + 6:.1f}" y="{y + 21}" class="axis">{text}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def whatif_list(scenarios: Sequence[dict[str, Any]]) -> str:
    """Each scenario's result and its assumption, in words."""
    from routing.report.render import saving_phrase

    items = []
    for s in scenarios:
        result = _usd(s["cost"]) if s["name"] == "actual" else (
            s.get("note") or saving_phrase(s)) if s["name"] == "achieved" else saving_phrase(s)
        items.append(f'<li data-scenario="{escape(s["name"])}"><b>{escape(s["label"])}</b>: {escape(result)}'
                     f'<br><span class="note">{escape(s["assumption"])}</span></li>')
    return f'<ul class="scenarios">{"".join(items)}</ul>'


def _short(model: str) -> str:
    """claude-haiku-4-5-20251001 -> haiku-4-5: the table stays narrow, the full id is in data-value."""
    name = model[len("claude-"):] if model.startswith("claude-") else model
    return re.sub(r"-\d{8}$", "", name)


def session_table(sessions: Sequence[dict[str, Any]]) -> str:
    head = [("Session", "s"), ("Project", "s"), ("Tool", "s"), ("Last activity", "s"), ("Models", "s"),
            ("Requests", "n"), ("Input", "n"), ("Output", "n"), ("Cache write", "n"), ("Cache read", "n"),
            ("Cost", "n"), ("Escalations", "n")]
    ths = "".join(f'<th data-type="{k}" tabindex="0">{escape(h)}</th>' for h, k in head)
    rows = []
    for s in sessions:
        esc = s["escalations"]
        cells = [
            (s["session_id"], s["session_id"][:8]), (s["project"], s["project"]), (s["tool"], s["tool"]),
            (s["last_activity"], s["last_activity"][:16].replace("T", " ")), (", ".join(s["models"]), ", ".join(_short(m) for m in s["models"])),
            (s["requests"], f'{s["requests"]:,}'), (s["input_tokens"], f'{s["input_tokens"]:,}'),
            (s["output_tokens"], f'{s["output_tokens"]:,}'), (s["cache_write_tokens"], f'{s["cache_write_tokens"]:,}'),
            (s["cache_read_tokens"], f'{s["cache_read_tokens"]:,}'), (s["cost"], _usd(s["cost"])),
            ("" if esc is None else esc, "-" if esc is None else str(esc)),
        ]
        tds = "".join(f'<td data-value="{_num(v)}"{" class=n" if k == "n" else ""}>{escape(t)}</td>'
                      for (v, t), (_h, k) in zip(cells, head))
        rows.append(f'<tr data-session="{escape(s["session_id"])}" data-cost="{_num(s["cost"])}">{tds}</tr>')
    return f'<table id="sessions" class="sortable"><thead><tr>{ths}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


CSS = """
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}
.sub{color:#555;margin:0 0 16px}.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:12px}
.card{border:1px solid #ddd;border-radius:6px;padding:10px 14px}
.card b{display:block;font-size:22px;margin:2px 0}.card .note{display:block}
.chart{width:100%;height:auto;display:block}.scroll{overflow-x:auto}
.grid{stroke:#eee}.axis{font-size:12px;fill:#444}.inbar{font-size:13px;fill:#fff}
.legend{margin:4px 0 0 70px}.key{margin-right:14px}.key i{display:inline-block;width:10px;height:10px;margin-right:4px}
.wide{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin-top:8px;font-size:13px}
th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;white-space:nowrap}td.n,.n{text-align:right}
th[data-type]{cursor:pointer;user-select:none}th.asc:after{content:" \\25B2"}th.desc:after{content:" \\25BC"}
.scenarios{padding-left:18px}.scenarios li{margin:6px 0}
.method{color:#444;background:#f7f7f7;padding:8px 12px;border-radius:6px}
.note{color:#666;font-size:13px}
@media (max-width:700px){
 body{margin:12px auto;padding:0 10px;font-size:14px}
 .chart#chart-daily{min-width:600px}.legend{margin-left:0}
 #chart-whatif text{display:none}
}
"""

SCRIPT = r"""
(function(){
  document.querySelectorAll('svg.chart').forEach(function(svg){
    var r=svg.getBoundingClientRect();
    var n=0;svg.querySelectorAll('rect').forEach(function(b){var q=b.getBoundingClientRect();if(q.width>0&&q.height>0)n++;});
    svg.setAttribute('data-rendered',Math.round(r.width)+'x'+Math.round(r.height)+':'+n);
  });
  document.querySelectorAll('table.sortable').forEach(function(table){
    var ths=table.querySelectorAll('th');
    ths.forEach(function(th,col){
      function sort(){
        var asc=!th.classList.contains('asc');
        ths.forEach(function(o){o.classList.remove('asc','desc');});
        th.classList.add(asc?'asc':'desc');
        var num=th.getAttribute('data-type')==='n';
        var body=table.tBodies[0];
        var rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(a,b){
          var x=a.cells[col].getAttribute('data-value'),y=b.cells[col].getAttribute('data-value');
          var c=num?((parseFloat(x)||0)-(parseFloat(y)||0)):x.localeCompare(y);
          return asc?c:-c;
        });
        rows.forEach(function(r){body.appendChild(r);});
      }
      th.addEventListener('click',sort);
      th.addEventListener('keydown',function(e){if(e.key==='Enter')sort();});
      th._sort=sort;
    });
    // #sort=N or #sort=-N in the address sorts by column N on load (ascending, or descending)
    var m=/sort=(-?)(\d+)/.exec(location.hash);
    if(m&&ths[+m[2]]){ths[+m[2]]._sort();if(m[1])ths[+m[2]]._sort();}
  });
  var d=document.documentElement;
  document.body.setAttribute('data-overflow',String(Math.max(0,d.scrollWidth-d.clientWidth)));
  document.body.setAttribute('data-viewport',String(window.innerWidth));
  document.body.setAttribute('data-ready','1');
})();
"""


def render(report: dict[str, Any]) -> str:
    from routing.report.render import saving_phrase

    tot = report["totals"]
    wi = report["what_if"]
    scenarios = wi["scenarios"]
    auto = next(s for s in scenarios if s["name"] == "automatic")
    span = f'{report["since"] or "start"} to {report["until"] or "today"} ({report["timezone"]})'
    skipped = report["skipped"]
    cards = (
        f'<div class="card">Total cost<b id="total-cost" data-value="{_num(tot["cost"])}">{_usd(tot["cost"])}</b>'
        f'<span class="note">priced transcripts</span></div>'
        f'<div class="card">Requests<b id="total-requests" data-value="{tot["requests"]}">{tot["requests"]:,}</b></div>'
        f'<div class="card">Tokens<b id="total-tokens" data-value="{tot["total_tokens"]}">{tot["total_tokens"]:,}</b>'
        f'<span class="note" id="tokens-parts">incl. {tot["cache_read_tokens"]:,} cache reads and '
        f'{tot["cache_write_tokens"]:,} cache writes</span></div>'
        f'<div class="card">modelroute, automatic<b id="routed-saving" data-value="{_num(auto["saving_low"])}" '
        f'data-high="{_num(auto["saving_high"])}">{escape(_short_saving(auto))}</b>'
        f'<span class="note">{escape(saving_phrase(auto))}</span></div>'
    )
    notes = []
    if skipped.get("bad_lines") or skipped.get("unreadable_files"):
        notes.append(f'Skipped {skipped.get("bad_lines", 0)} malformed or truncated lines and '
                     f'{skipped.get("unreadable_files", 0)} unreadable files.')
    notes += [f"Warning: {w}" for w in report["warnings"]]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>modelroute report {escape(span)}</title><style>{CSS}</style></head><body>"
        f'<h1>What your AI coding cost</h1><p class="sub">{escape(span)}, generated {escape(report["generated_at"])}. '
        f'{escape(report.get("cost_source", "").capitalize())}.</p>'
        f'<div class="cards">{cards}</div>'
        f"<h2>Cost per day, by tier</h2>{daily_chart(report['days'])}"
        f"<h2>Tier mix (share of requests)</h2>{tier_mix(report['by_tier'])}"
        f"<h2>What if</h2>{whatif_bars(scenarios)}{whatif_list(scenarios)}"
        f'<p class="method" id="method">{escape(wi["range_note"])}</p>'
        f"<h2>Sessions</h2><p class=note>Click a column to sort.</p><div class=\"wide\">{session_table(report['sessions'])}</div>"
        + "".join(f'<p class="note">{escape(n)}</p>' for n in notes)
        + f"<script>{SCRIPT}</script></body></html>\n"
    )


def _short_saving(sc: dict[str, Any]) -> str:
    lo, hi = sc["saving_pct_low"], sc["saving_pct_high"]
    if sc["saving_low"] >= 0:
        return f"saves {lo:.0f}%" if abs(hi - lo) < 0.5 else f"saves {lo:.0f}-{hi:.0f}%"
    if sc["saving_high"] <= 0:
        return f"costs {-hi:.0f}% more" if abs(hi - lo) < 0.5 else f"costs {-hi:.0f}-{-lo:.0f}% more"
    return f"{lo:.0f}% to +{hi:.0f}%"
