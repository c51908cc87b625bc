"""The HTML report in a real headless Chromium: the charts render and the page shows the --json figures."""

from __future__ import annotations

import json
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
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1000,2000"]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    exe = require_tool("chromium")
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=120)


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
    bars = {b["data-name"]: float(b["data-value"]) for b in _attr_values(dom, r'<rect class="whatif-bar"[^>]*>')}
    assert bars == {s["name"]: s["cost"] for s in rep["what_if"]["scenarios"]}
    days = {d["data-date"]: float(d["data-value"]) for d in _attr_values(dom, r'<g class="day"[^>]*>')}
    assert days == {d["date"]: d["cost"] for d in rep["days"]}
    assert len(days) == 4
    rows = {r["data-session"]: float(r["data-cost"]) for r in _attr_values(dom, r"<tr data-session[^>]*>")}
    assert rows == {s["session_id"]: s["cost"] for s in rep["sessions"]}
    assert "full input price for the history it re-reads" in dom

    # the session table sorts in the browser: by cost (column 10), descending
    dom = chromium(tmp_path, "--dump-dom", page.as_uri() + "#sort=-10").stdout
    order = [float(r["data-cost"]) for r in _attr_values(dom, r"<tr data-session[^>]*>")]
    assert order == sorted((s["cost"] for s in rep["sessions"]), reverse=True)
    assert order != [s["cost"] for s in rep["sessions"]]  # not already in that order

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    proc = chromium(tmp_path, f"--screenshot={shot}", page.as_uri())
    assert shot.is_file() and shot.stat().st_size > 10_000, proc.stderr[-2000:]
    shutil.copy(page, ARTIFACTS / "report.html")
