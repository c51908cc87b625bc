"""The HTML report in a real headless Chromium: the charts render and the page shows the --json figures."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from support.tools import ROOT, require_tool
from support.transcript_tree import build_tree
from test_report import route

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars"]


def chromium(tmp_path: Path, *args: str, width: int = 1300) -> subprocess.CompletedProcess:
    exe = require_tool("chromium")
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run([exe, *FLAGS, f"--window-size={max(width, 500)},2400", "--allow-file-access-from-files",
                           f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=120)


def framed(page: Path, width: int) -> Path:
    """A page showing `page` in a frame `width` CSS pixels wide (Chromium's windows are at least
    500 px wide), copying the frame's layout figures onto its own body for --dump-dom."""
    wrapper = page.with_name(f"framed-{width}.html")
    wrapper.write_text(
        f'<!DOCTYPE html><html><body style="margin:0;background:#ccc">'
        f'<iframe id="f" src="{page.name}" style="width:{width}px;height:2400px;border:0;background:#fff"></iframe>'
        "<script>document.getElementById('f').addEventListener('load',function(){"
        "var b=this.contentDocument.body;['data-overflow','data-viewport','data-ready'].forEach(function(a){"
        "document.body.setAttribute(a,b.getAttribute(a));});});</script></body></html>")
    return wrapper


def _attr_values(dom: str, tag_pattern: str) -> list[dict[str, str]]:
    out = []
    for m in re.finditer(tag_pattern, dom):
        out.append({k: unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', m.group(0))})
    return out


def test_html_report_renders_in_chromium_with_the_json_figures(tmp_path: Path) -> None:
    tree = build_tree(tmp_path / "claude", sessions=9, days=4)
    env = {"CLAUDE_CONFIG_DIR": str(tree.root)}
    page = tmp_path / "report.html"
    rep = json.loads(route("report", "--since", "2000-01-01", "--html", str(page), "--json", env=env).stdout)
    html = page.read_text()
    assert "<script src" not in html and "<link" not in html and "@import" not in html and "url(" not in html

    proc = chromium(tmp_path, "--dump-dom", page.as_uri())
    dom = proc.stdout
    assert 'data-ready="1"' in dom, proc.stderr[-2000:]  # the inline script ran
    charts = {c["id"]: c for c in _attr_values(dom, r"<svg [^>]*>") if c.get("id", "").startswith("chart-")}
    assert set(charts) == {"chart-daily", "chart-mix", "chart-whatif"}
    for cid, c in charts.items():
        size, drawn = c["data-rendered"].split(":")
        w, h = (int(x) for x in size.split("x"))
        assert w > 100 and h > 10 and int(drawn) > 0, (cid, c["data-rendered"])

    # the numbers on the page are the --json numbers
    total = _attr_values(dom, r'<b id="total-cost"[^>]*>')[0]
    assert float(total["data-value"]) == rep["totals"]["cost"]
    assert f"${rep['totals']['cost']:,.2f}" in dom
    bars = {b["data-name"]: (float(b["data-value"]), float(b["data-high"]))
            for b in _attr_values(dom, r'<rect class="whatif-bar"[^>]*>')}
    assert bars == {s["name"]: (s["cost_low"], s["cost_high"]) for s in rep["what_if"]["scenarios"]
                    if s["name"] != "achieved"}
    days = {d["data-date"]: float(d["data-value"]) for d in _attr_values(dom, r'<g class="day"[^>]*>')}
    assert days == {d["date"]: d["cost"] for d in rep["days"]}
    assert len(days) == 4
    rows = {r["data-session"]: float(r["data-cost"]) for r in _attr_values(dom, r"<tr data-session[^>]*>")}
    assert rows == {s["session_id"]: s["cost"] for s in rep["sessions"]}
    for sc in rep["what_if"]["scenarios"]:
        assert unescape(sc["assumption"]) in unescape(dom), sc["name"]
    assert "all_opus" not in dom and "Routed saves" not in dom

    # the Tokens card says what it counts: its total includes the cache reads and writes it names
    tot = rep["totals"]
    assert int(_attr_values(dom, r'<b id="total-tokens"[^>]*>')[0]["data-value"]) == tot["total_tokens"]
    parts = re.search(r'id="tokens-parts">([^<]*)<', dom).group(1)
    assert f"{tot['cache_read_tokens']:,} cache reads" in parts and f"{tot['cache_write_tokens']:,} cache writes" in parts

    # y-axis: round ticks at one precision, never twice the same
    labels = re.findall(r'<text [^>]*class="axis tick"[^>]*>([^<]*)</text>', dom)
    values = [float(v["data-value"]) for v in _attr_values(dom, r'<text [^>]*class="axis tick"[^>]*>')]
    assert len(labels) >= 3 and len(set(labels)) == len(labels)
    assert len({len(x.split(".")[1]) if "." in x else 0 for x in labels}) == 1
    step = values[1] - values[0]
    assert all(abs((b - a) - step) < 1e-9 for a, b in zip(values, values[1:])) and values[0] == 0
    assert max(d["cost"] for d in rep["days"]) <= values[-1] < max(d["cost"] for d in rep["days"]) + step + 1e-9
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(abs(mantissa - m) < 1e-9 for m in (1, 2, 2.5, 5)), step

    # the session table sorts in the browser: by cost (column 10), descending
    dom = chromium(tmp_path, "--dump-dom", page.as_uri() + "#sort=-10").stdout
    order = [float(r["data-cost"]) for r in _attr_values(dom, r"<tr data-session[^>]*>")]
    assert order == sorted((s["cost"] for s in rep["sessions"]), reverse=True)
    assert order != [s["cost"] for s in rep["sessions"]]  # not already in that order

    # reads well at 1300 px and at 400 px: nothing wider than the window but the scrolling boxes
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1300, 400):
        url = (page if width >= 500 else framed(page, width)).as_uri()
        dom = chromium(tmp_path, "--dump-dom", url, width=width).stdout
        body = _attr_values(dom, r"<body[^>]*>")[0]
        assert body["data-viewport"] == str(width) and body["data-overflow"] == "0", (width, body)
        shot = ARTIFACTS / f"report-{width}.png"
        proc = chromium(tmp_path, f"--screenshot={shot}", url, width=width)
        assert shot.is_file() and shot.stat().st_size > 10_000, proc.stderr[-2000:]
    shutil.copy(page, ARTIFACTS / "report.html")
