"""`route report` end to end: a realistic transcript tree through the real CLI, checked against
the tree's own ground truth and against the real ccusage 20.0.24."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from support.tools import DATA, npm_tool
from support.transcript_tree import build_tree

SAMPLES = DATA / "host-samples" / "claude-code-2.1.197"
TOKENS = ("input_tokens", "output_tokens", "cache_write_tokens", "cache_read_tokens")


def route(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "routing", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def report_json(*args: str, env: dict | None = None) -> dict:
    return json.loads(route("report", *args, "--json", env=env).stdout)


@pytest.fixture
def tree(tmp_path: Path):
    t = build_tree(tmp_path / "claude")
    return t


def _claude_env(tree) -> dict:
    return {"CLAUDE_CONFIG_DIR": str(tree.root)}


def test_totals_per_model_equal_the_generated_tree(tree) -> None:
    rep = report_json("model", "--since", "2000-01-01", "--timezone", "UTC", env=_claude_env(tree))
    got = {m["model"]: m for m in rep["by_model"] if m["model"] != "<none>"}
    assert set(got) == set(tree.expected)
    for model, want in tree.expected.items():
        for field in TOKENS + ("requests",):
            assert got[model][field] == want[field], (model, field)
    assert rep["totals"]["requests"] == tree.responses  # `<synthetic>` lines are not requests
    assert rep["skipped"] == {"bad_lines": tree.bad_lines, "unreadable_files": tree.unreadable}
    assert tree.assistant_lines > tree.responses  # the tree really has duplicate lines


@pytest.mark.e2e
def test_skipped_lines_are_summarised_once_and_never_fatal(tree) -> None:
    proc = route("report", "--since", "2000-01-01", env=_claude_env(tree))
    assert f"Skipped {tree.bad_lines} malformed or truncated lines and 1 unreadable files." in proc.stdout
    proc = route("report", "--since", "2000-01-01", "--json", env=_claude_env(tree))
    assert proc.stderr.count("skipped") == 1


def _ccusage_by_model(tree) -> dict:
    ccusage = npm_tool("ccusage", "ccusage")
    proc = subprocess.run([ccusage, "claude", "session", "--json", "--offline"], capture_output=True, text=True,
                          env={**os.environ, "CLAUDE_CONFIG_DIR": str(tree.root), "NO_COLOR": "1"}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    by_model: dict = defaultdict(lambda: defaultdict(float))
    for s in data["sessions"]:
        for m in s["modelBreakdowns"]:
            b = by_model[m["modelName"]]
            b["input_tokens"] += m["inputTokens"]
            b["output_tokens"] += m["outputTokens"]
            b["cache_write_tokens"] += m["cacheCreationTokens"]
            b["cache_read_tokens"] += m["cacheReadTokens"]
            b["cost"] += m["cost"]
    return {"by_model": by_model, "totals": data["totals"]}


def test_per_model_tokens_and_costs_agree_with_real_ccusage(tree) -> None:
    theirs = _ccusage_by_model(tree)
    ours = report_json("model", "--since", "2000-01-01", env=_claude_env(tree))
    mine = {m["model"]: m for m in ours["by_model"] if m["model"] != "<none>"}
    assert set(mine) == set(theirs["by_model"])
    for model, b in theirs["by_model"].items():
        for field in TOKENS:
            assert mine[model][field] == b[field], (model, field)
        assert abs(mine[model]["cost"] - b["cost"]) < 1e-6, model
    assert abs(ours["totals"]["cost"] - theirs["totals"]["totalCost"]) < 1e-6


def test_real_claude_code_samples_price_like_ccusage(tmp_path: Path) -> None:
    proj = tmp_path / "claude" / "projects" / "-home-dev-proj"
    (proj / "3b7bdbd5-2ac4-41ba-be3b-bc8709133e6b" / "subagents").mkdir(parents=True)
    (proj / "3b7bdbd5-2ac4-41ba-be3b-bc8709133e6b.jsonl").write_bytes((SAMPLES / "transcript-main.jsonl").read_bytes())
    (proj / "3b7bdbd5-2ac4-41ba-be3b-bc8709133e6b" / "subagents" / "agent-a116b0ff1cbcc2220.jsonl").write_bytes(
        (SAMPLES / "transcript-subagent.jsonl").read_bytes())
    rep = report_json("session", "--since", "2000-01-01", env={"CLAUDE_CONFIG_DIR": str(tmp_path / "claude")})
    assert len(rep["sessions"]) == 1  # the subagent belongs to its parent session
    s = rep["sessions"][0]
    assert s["session_id"] == "3b7bdbd5-2ac4-41ba-be3b-bc8709133e6b"
    assert s["requests"] == 4 and s["models"] == ["claude-opus-4-8", "claude-sonnet-5"]
    # ccusage 20.0.24 on the same files: 0.004227 (opus-4-8) + 0.0005636 (sonnet-5). Claude Code wrote
    # cache_creation_input_tokens 1024 with a 5m/1h breakdown of 0 + 0: ccusage drops those writes, we count
    # them as 5m writes (3 opus-4-8 responses at $6.25/M, 1 sonnet-5 at $2.50/M): a deliberate difference.
    assert s["cache_write_tokens"] == 4 * 1024 and s["cache_write_5m_tokens"] == 4 * 1024
    assert abs(s["cost"] - (0.0047906 + 1024 * (3 * 6.25 + 2.5) / 1e6)) < 1e-9
    assert rep["what_if"]["prompts_classified"] == 3  # 2 typed prompts + the subagent's task


def test_default_dirs_and_comma_separated_config_dirs(tmp_path: Path, isolated_home: Path) -> None:
    a = build_tree(isolated_home / ".claude", sessions=2, seed=1, edge_cases=False)
    b = build_tree(tmp_path / "other", sessions=2, seed=2, edge_cases=False)
    rep = report_json("--since", "2000-01-01")
    assert rep["totals"]["requests"] - _none_requests(rep) == a.responses
    rep = report_json("--since", "2000-01-01", env={"CLAUDE_CONFIG_DIR": f"{a.root},{b.root}"})
    assert rep["totals"]["requests"] - _none_requests(rep) == a.responses + b.responses


def _none_requests(rep: dict) -> int:
    return sum(m["requests"] for m in rep["by_model"] if m["model"] == "<none>")


def test_views_filters_and_timezone(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    now = datetime(2026, 3, 18, 12, 0, tzinfo=timezone.utc)  # a Wednesday
    t = build_tree(tmp_path / "c", sessions=10, days=10, now=now, edge_cases=False)
    env = {"CLAUDE_CONFIG_DIR": str(t.root)}
    daily = report_json("daily", "--since", "2026-03-01", "--timezone", "UTC", env=env)
    assert [r["key"] for r in daily["rows"]] == [f"2026-03-{d:02d}" for d in range(9, 19)]
    total = daily["totals"]["cost"]
    assert abs(sum(r["cost"] for r in daily["rows"]) - total) < 1e-6
    weekly = report_json("weekly", "--since", "2026-03-01", "--timezone", "UTC", env=env)
    assert [r["key"] for r in weekly["rows"]] == ["2026-03-09", "2026-03-16"]  # Mondays
    monthly = report_json("monthly", "--since", "2026-01-01", "--timezone", "UTC", env=env)
    assert [r["key"] for r in monthly["rows"]] == ["2026-03"]
    some = report_json("daily", "--since", "2026-03-15", "--until", "2026-03-16", "--timezone", "UTC", env=env)
    assert [r["key"] for r in some["rows"]] == ["2026-03-15", "2026-03-16"]
    # sessions start between 10:00 and 20:00 UTC: in Tokyo (UTC+9) some land on the next day
    tokyo = report_json("daily", "--since", "2026-03-01", "--timezone", "Asia/Tokyo", env=env)
    assert [r["key"] for r in tokyo["rows"]] != [r["key"] for r in daily["rows"]]
    assert abs(tokyo["totals"]["cost"] - total) < 1e-6
    one = report_json("session", "--since", "2026-03-01", "--project", "-home-dev-api", env=env)
    assert one["sessions"] and {s["project"] for s in one["sessions"]} == {"-home-dev-api"}
    by_path = report_json("session", "--since", "2026-03-01", "--project", "/home/dev/api", env=env)
    assert by_path["totals"] == one["totals"]


def test_csv_has_the_view_rows_and_a_total(tree) -> None:
    out = route("report", "daily", "--since", "2000-01-01", "--csv", env=_claude_env(tree)).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[-1]["key"] == "TOTAL"
    assert sum(int(r["input_tokens"]) for r in rows[:-1]) == int(rows[-1]["input_tokens"])
    assert abs(sum(float(r["cost"]) for r in rows[:-1]) - float(rows[-1]["cost"])) < 1e-5


def test_escalations_come_from_the_state_file_and_a_corrupt_one_is_ignored(tree, isolated_home: Path) -> None:
    env = _claude_env(tree)
    rep = report_json("session", "--since", "2000-01-01", env=env)
    sid = rep["sessions"][0]["session_id"]
    assert rep["sessions"][0]["escalations"] is None
    state = isolated_home / ".local" / "state" / "modelroute"
    state.mkdir(parents=True)
    (state / "state.json").write_text(json.dumps({"version": 1, "sessions": {sid: {"escalations": 3}}}))
    rep = report_json("session", "--since", "2000-01-01", env=env)
    assert {s["session_id"]: s["escalations"] for s in rep["sessions"]}[sid] == 3
    assert "3" in route("report", "session", "--since", "2000-01-01", env=env).stdout
    (state / "state.json").write_text("{not json")
    rep = report_json("session", "--since", "2000-01-01", env=env)
    assert all(s["escalations"] is None for s in rep["sessions"])
    assert (state / "state.json").read_text() == "{not json"  # read-only: never repaired or moved


def test_config_price_override_changes_the_cost(tree, isolated_home: Path) -> None:
    env = _claude_env(tree)
    before = {m["model"]: m for m in report_json("model", "--since", "2000-01-01", env=env)["by_model"]}
    cfg = isolated_home / ".config" / "modelroute"
    cfg.mkdir(parents=True)
    (cfg / "config.toml").write_text('[report.prices.claude-opus-4-8]\ninput = 50\n')
    after = {m["model"]: m for m in report_json("model", "--since", "2000-01-01", env=env)["by_model"]}
    m = before["claude-opus-4-8"]
    assert abs(after["claude-opus-4-8"]["cost"] - m["cost"] - m["input_tokens"] * 45 / 1e6) < 1e-6
    assert after["claude-haiku-4-5-20251001"]["cost"] == before["claude-haiku-4-5-20251001"]["cost"]
    (cfg / "config.toml").write_text('[report]\ndays = 7\n\n[report.prices.claude-opus-4-8]\ninput = "cheap"\n')
    proc = route("report", env=env, check=False)
    assert proc.returncode != 0 and "report.prices.claude-opus-4-8.input" in proc.stderr
    assert "config.toml, line 3" in proc.stderr  # the config loader names the file and the table


def test_empty_home_reports_nothing_without_failing() -> None:
    out = route("report").stdout
    assert "No usage found" in out
    rep = report_json("session")
    assert rep["totals"]["requests"] == 0 and rep["sessions"] == []


def test_bad_arguments_fail_with_a_clear_message() -> None:
    proc = route("report", "--since", "yesterday", check=False)
    assert proc.returncode == 2 and "YYYY-MM-DD" in proc.stderr
    proc = route("report", "--timezone", "Mars/Olympus", check=False)
    assert proc.returncode == 2 and "time zone" in proc.stderr


def test_help_states_each_what_if_in_plain_words() -> None:
    out = route("report", "--help").stdout
    for words in ("automatic:", "follow:", "achieved:", "haiku subagent", "re-read", "low-high range", "Example:"):
        assert words in out, words
    assert "all_opus" not in out and "routed_" not in out.split("JSON fields")[0]


def test_codex_rollouts_are_reported_under_their_own_tool(tmp_path: Path) -> None:
    day = tmp_path / "codex" / "sessions" / "2026" / "03" / "18"
    day.mkdir(parents=True)
    lines = [
        {"timestamp": "2026-03-18T10:00:00.000Z", "type": "session_meta", "payload": {"id": "cx-1", "cwd": "/w"}},
        {"timestamp": "2026-03-18T10:00:01.000Z", "type": "turn_context", "payload": {"model": "gpt-5", "cwd": "/w"}},
        {"timestamp": "2026-03-18T10:00:02.000Z", "type": "event_msg", "payload": {"type": "token_count", "info": {
            "total_token_usage": {"input_tokens": 1000, "cached_input_tokens": 400, "output_tokens": 50,
                                  "reasoning_output_tokens": 10, "total_tokens": 1050},
            "last_token_usage": {"input_tokens": 1000, "cached_input_tokens": 400, "output_tokens": 50,
                                 "reasoning_output_tokens": 10, "total_tokens": 1050}}}},
        {"timestamp": "2026-03-18T10:00:03.000Z", "type": "event_msg", "payload": {"type": "token_count", "info": {
            "total_token_usage": {"input_tokens": 1000, "cached_input_tokens": 400, "output_tokens": 50,
                                  "reasoning_output_tokens": 10, "total_tokens": 1050},
            "last_token_usage": {"input_tokens": 1000, "cached_input_tokens": 400, "output_tokens": 50,
                                 "reasoning_output_tokens": 10, "total_tokens": 1050}}}},
        {"timestamp": "2026-03-18T10:00:04.000Z", "type": "event_msg", "payload": {"type": "token_count", "info": None}},
    ]
    (day / "rollout-2026-03-18T10-00-00-cx-1.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n{trunc")
    rep = report_json("model", "--since", "2026-01-01", env={"CODEX_HOME": str(tmp_path / "codex")})
    (m,) = rep["by_model"]
    assert (m["tool"], m["model"], m["requests"]) == ("codex", "gpt-5", 1)  # the repeated total is one request
    assert (m["input_tokens"], m["cache_read_tokens"], m["output_tokens"]) == (600, 400, 50)
    assert abs(m["cost"] - (600 * 1.25 + 400 * 0.125 + 50 * 10) / 1e6) < 1e-12
    assert rep["skipped"]["bad_lines"] == 1
    assert rep["what_if"]["claude_requests"] == 0


@pytest.mark.e2e
def test_a_real_codex_rollout_is_read_like_ccusage_reads_it(tmp_path: Path, isolated_home: Path) -> None:
    from support.fake_responses import FakeResponses, write_codex_config

    codex = npm_tool("codex", "codex")
    codex_home = tmp_path / "codex"
    with FakeResponses() as api:
        write_codex_config(codex_home, api.port)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(isolated_home),
               "CODEX_HOME": str(codex_home), "MOCK_API_KEY": "x"}
        for prompt in ("say pong", "say pong again"):
            proc = subprocess.run([codex, "exec", "--skip-git-repo-check", "-m", "gpt-5", prompt],
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env,
                                  cwd=isolated_home, timeout=120)
            assert proc.returncode == 0, proc.stderr[-2000:]
        assert len(api.requests) == 2
    assert list(codex_home.glob("sessions/**/rollout-*.jsonl"))
    rep = report_json("model", "--since", "2000-01-01", env={"CODEX_HOME": str(codex_home)})
    (m,) = rep["by_model"]
    # the fake answers 1200 input (800 cached) and 34 output tokens per request
    assert (m["tool"], m["model"], m["requests"]) == ("codex", "gpt-5", 2)
    assert (m["input_tokens"], m["cache_read_tokens"], m["output_tokens"]) == (800, 1600, 68)
    assert m["tier"] == "sonnet"  # models.codex.sonnet = gpt-5 in the default config
    ccusage = npm_tool("ccusage", "ccusage")
    proc = subprocess.run([ccusage, "codex", "session", "--json", "--offline"], capture_output=True, text=True,
                          env={**os.environ, "CODEX_HOME": str(codex_home), "NO_COLOR": "1"}, timeout=120)
    theirs = json.loads(proc.stdout)["totals"]
    assert (theirs["inputTokens"], theirs["cacheReadTokens"], theirs["outputTokens"]) == (800, 1600, 68)
    assert abs(theirs["costUSD"] - m["cost"]) < 1e-6


def test_every_json_field_name_is_documented_in_help(tree) -> None:
    import re

    help_text = route("report", "--help").stdout
    documented = set(re.findall(r"[a-z_0-9]+", help_text))
    rep = report_json("session", "--since", "2000-01-01", env=_claude_env(tree))
    names: set = set()

    def walk(v, key_is_data=False):
        if isinstance(v, dict):
            for k, x in v.items():
                if not key_is_data:
                    names.add(k)
                walk(x, key_is_data=k in ("cost_by_tier", "requests_by_routed_tier", "models"))
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(rep)
    assert names and names <= documented, names - documented


@pytest.mark.e2e
def test_transcripts_written_by_the_real_claude_code_are_reported_like_ccusage(tmp_path: Path) -> None:
    from support.fake_anthropic import FakeAnthropic, agent_call

    claude = npm_tool("claude", "claude")
    home = tmp_path / "h"
    (home / "proj").mkdir(parents=True)
    with FakeAnthropic(script=[("SPAWN", [agent_call("look", "Find where parse_config is defined")])]) as api:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "ANTHROPIC_BASE_URL": api.url,
               "ANTHROPIC_API_KEY": "dummy", "DISABLE_TELEMETRY": "1", "DISABLE_AUTOUPDATER": "1",
               "DISABLE_ERROR_REPORTING": "1", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1"}
        for prompt in ("where is parse_config defined?", "please SPAWN a subagent"):
            proc = subprocess.run([claude, "-p", prompt, "--output-format", "json", "--model", "sonnet"],
                                  cwd=home / "proj", env=env, capture_output=True, text=True, timeout=180,
                                  stdin=subprocess.DEVNULL)
            assert proc.returncode == 0, proc.stderr[-2000:]
    assert list((home / ".claude" / "projects").glob("*/*/subagents/agent-*.jsonl"))
    rep = report_json("session", "--since", "2000-01-01", env={"HOME": str(home)})
    assert len(rep["sessions"]) == 2 and rep["skipped"] == {"bad_lines": 0, "unreadable_files": 0}
    assert rep["what_if"]["prompts_classified"] == 3  # two typed prompts and the subagent's task

    ccusage = npm_tool("ccusage", "ccusage")
    proc = subprocess.run([ccusage, "claude", "session", "--json", "--offline"], capture_output=True, text=True,
                          env={**os.environ, "HOME": str(home), "NO_COLOR": "1"}, timeout=120)
    theirs = json.loads(proc.stdout)["totals"]
    tot = rep["totals"]
    assert (tot["input_tokens"], tot["output_tokens"], tot["cache_read_tokens"], tot["cache_write_tokens"]) == (
        theirs["inputTokens"], theirs["outputTokens"], theirs["cacheReadTokens"], theirs["cacheCreationTokens"])
    assert tot["requests"] > 0 and abs(tot["cost"] - theirs["totalCost"]) < 1e-6


def test_progress_bar_goes_to_a_terminal_stderr_only(tree) -> None:
    import pty
    import select

    env = {**os.environ, **_claude_env(tree), "ROUTE_PROGRESS_DELAY": "0"}
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "routing", "report", "--since", "2000-01-01", "--json"],
                            stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    err = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
    out, _ = proc.communicate(timeout=60)
    os.close(master)
    assert proc.returncode == 0
    assert b"scanning transcripts [" in err and b"scanning" not in out
    json.loads(out)  # stdout stays clean JSON
    piped = route("report", "--since", "2000-01-01", "--json", env={**_claude_env(tree), "ROUTE_PROGRESS_DELAY": "0"})
    assert "scanning" not in piped.stderr


def test_other_key_orders_give_the_same_totals(tree, tmp_path: Path) -> None:
    """The fast paths lean on Claude Code's key order; another order must only be slower."""
    other = tmp_path / "reordered"
    for path in tree.root.rglob("*.jsonl"):
        if not path.exists():
            continue  # the dangling symlink
        dest = other / path.relative_to(tree.root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        out = []
        for line in path.read_text().splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                out.append(line)
                continue
            if isinstance(obj.get("message"), dict):
                obj["message"] = dict(reversed(list(obj["message"].items())))
            out.append(json.dumps(dict(reversed(list(obj.items()))), separators=(",", ":")))
        dest.write_text("\n".join(out) + "\n")
    a = report_json("model", "--since", "2000-01-01", env=_claude_env(tree))
    b = report_json("model", "--since", "2000-01-01", env={"CLAUDE_CONFIG_DIR": str(other)})
    assert a["by_model"] == b["by_model"]
    assert a["what_if"] == b["what_if"]


def test_an_unknown_model_is_priced_as_its_family_with_a_warning(tmp_path: Path) -> None:
    proj = tmp_path / "c" / "projects" / "-p"
    proj.mkdir(parents=True)
    line = {"type": "assistant", "sessionId": "s1", "timestamp": "2026-03-18T10:00:00.000Z", "requestId": "req_1",
            "message": {"id": "msg_1", "model": "claude-opus-9-20300101", "role": "assistant",
                        "usage": {"input_tokens": 1_000_000, "output_tokens": 0, "cache_creation_input_tokens": 0,
                                  "cache_read_input_tokens": 0}}}
    (proj / "s1.jsonl").write_text(json.dumps(line, separators=(",", ":")) + "\n")
    proc = route("report", "model", "--since", "2026-01-01", "--json", env={"CLAUDE_CONFIG_DIR": str(tmp_path / "c")})
    rep = json.loads(proc.stdout)
    (m,) = rep["by_model"]
    assert m["cost"] == 4.0 and m["tier"] == "opus"  # the newest opus row: claude-opus-5-5's $4 per million input
    assert "priced as claude-opus-5-5" in rep["warnings"][0] and "warning: no price for claude-opus-9" in proc.stderr
