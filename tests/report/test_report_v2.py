"""`route report` v2 through the real CLI: the policy-following what-if, dated prices checked
against the real ccusage, any JSON spacing, and the incremental cache."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from support.tools import DATA, npm_tool
from support.transcript_tree import build_tree
from test_report import report_json, route

SAMPLES_332 = DATA / "host-samples" / "claude-code-2.1.332"
SID_332 = "a251986f-498a-4cfc-b2a9-abe09c8c6a38"


def _line(i: int, model: str, ts: str = "2026-11-20T10:00:00.000Z", **usage) -> str:
    u = {"input_tokens": 20_000, "output_tokens": 20_000, "cache_creation_input_tokens": 30_000,
         "cache_read_input_tokens": 20_000,
         "cache_creation": {"ephemeral_5m_input_tokens": 20_000, "ephemeral_1h_input_tokens": 10_000}}
    u.update(usage)
    return json.dumps({"type": "assistant", "sessionId": "s1", "timestamp": ts, "requestId": f"req_{i}",
                       "message": {"id": f"msg_{i}", "model": model, "role": "assistant", "usage": u}},
                      separators=(",", ":"))


MODELS = ["claude-fable-5", "claude-fable-5-1", "claude-fable-5-2", "claude-opus-5", "claude-opus-5-5",
          "claude-sonnet-5", "claude-sonnet-5-5", "claude-haiku-5-5", "claude-haiku-4-5-20251001", "claude-opus-4-8"]


@pytest.mark.e2e
def test_prices_agree_with_real_ccusage_for_every_model_it_knows(tmp_path: Path) -> None:
    proj = tmp_path / "c" / "projects" / "-p"
    proj.mkdir(parents=True)
    (proj / "s1.jsonl").write_text("\n".join(_line(i, m, f"2026-11-20T10:00:{i:02d}.000Z")
                                             for i, m in enumerate(MODELS)) + "\n")
    ccusage = npm_tool("ccusage", "ccusage")
    proc = subprocess.run([ccusage, "claude", "session", "--json", "--offline"], capture_output=True, text=True,
                          env={**os.environ, "CLAUDE_CONFIG_DIR": str(tmp_path / "c"), "NO_COLOR": "1"}, timeout=120)
    theirs = {m["modelName"]: m["cost"] for s in json.loads(proc.stdout)["sessions"] for m in s["modelBreakdowns"]}
    ours = {m["model"]: m["cost"] for m in report_json("model", "--since", "2000-01-01",
                                                        env={"CLAUDE_CONFIG_DIR": str(tmp_path / "c")})["by_model"]}
    known = {m for m, c in theirs.items() if c > 0}
    assert {"claude-fable-5", "claude-fable-5-1", "claude-opus-5", "claude-sonnet-5"} <= known
    for m in known:
        assert abs(ours[m] - theirs[m]) < 1e-9, m
    assert all(ours[m] > 0 for m in MODELS)  # never $0, even where ccusage 20.0.24 has no price


def test_lines_written_with_other_json_spacing_count_the_same(tmp_path: Path) -> None:
    tree = build_tree(tmp_path / "a", sessions=4, edge_cases=False)
    spaced = tmp_path / "b"
    for f in (tree.root / "projects").rglob("*.jsonl"):
        dest = spaced / f.relative_to(tree.root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text("\n".join(json.dumps(json.loads(x)) for x in f.read_text().splitlines() if x) + "\n")
    assert b'"type": "assistant"' in next((spaced / "projects").rglob("*.jsonl")).read_bytes()
    a = report_json("model", "--since", "2000-01-01", env={"CLAUDE_CONFIG_DIR": str(tree.root)})
    b = report_json("model", "--since", "2000-01-01", env={"CLAUDE_CONFIG_DIR": str(spaced)})
    assert b["totals"] == a["totals"] and b["skipped"] == {"bad_lines": 0, "unreadable_files": 0}
    assert b["what_if"] == a["what_if"]


def _without_time(rep: dict) -> dict:
    rep.pop("generated_at")
    return rep


def test_a_repeat_run_reuses_the_cache_and_a_grown_file_is_read_from_where_it_stopped(tmp_path: Path,
                                                                                     isolated_home: Path) -> None:
    tree = build_tree(tmp_path / "c", sessions=6)
    env = {"CLAUDE_CONFIG_DIR": str(tree.root)}
    first = _without_time(report_json("session", "--since", "2000-01-01", env=env))
    f = max((p for p in (tree.root / "projects").glob("*/*.jsonl") if p.exists()), key=lambda p: p.stat().st_size)
    # Same size, mtime and inode, other bytes: a repeat run must not read it again.
    st = f.stat()
    data = f.read_bytes()
    with open(f, "r+b") as fh:
        fh.write(b"x" * 200)
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert _without_time(report_json("session", "--since", "2000-01-01", env=env)) == first
    fresh = report_json("session", "--since", "2000-01-01", "--no-cache", env=env)
    assert fresh["skipped"]["bad_lines"] > first["skipped"]["bad_lines"]  # the garbled line, read afresh
    f.write_bytes(data)
    report_json("session", "--since", "2000-01-01", env=env)

    # Grown: Claude Code appends a turn. Only the tail is read (a garble before it goes unseen), and
    # the result equals a full read of the original bytes plus the tail.
    sid = json.loads(data.splitlines()[1])["sessionId"]
    extra = [json.dumps({"type": "user", "sessionId": sid, "timestamp": "2026-11-20T10:00:00.000Z",
                         "message": {"role": "user", "content": "where is parse_config defined?"},
                         "origin": {"kind": "human"}, "promptSource": "typed"}, separators=(",", ":")),
             _line(9001, "claude-opus-4-8").replace('"s1"', f'"{sid}"')]
    st = f.stat()
    with open(f, "r+b") as fh:
        fh.write(b"x" * 200)
        fh.seek(0, 2)
        fh.write(("\n".join(extra) + "\n").encode())
    grown = _without_time(report_json("session", "--since", "2000-01-01", env=env))
    f.write_bytes(data + ("\n".join(extra) + "\n").encode())
    full = _without_time(report_json("session", "--since", "2000-01-01", "--no-cache", env=env))
    assert grown == full and grown["totals"]["requests"] == first["totals"]["requests"] + 1


def test_the_cache_is_private_holds_no_prompt_text_and_is_rebuilt_when_unreadable(tmp_path: Path,
                                                                                  isolated_home: Path) -> None:
    from support.transcript_tree import PROMPTS

    tree = build_tree(tmp_path / "c", sessions=6)
    env = {"CLAUDE_CONFIG_DIR": str(tree.root)}
    first = _without_time(report_json("model", "--since", "2000-01-01", env=env))
    d = isolated_home / ".cache" / "modelroute" / "report"
    files = list(d.glob("*.msgpack"))
    assert len(files) == 3 and stat.S_IMODE(d.stat().st_mode) == 0o700
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
        blob = p.read_bytes()
        for prompt in PROMPTS + ["Find every caller of parse_config"]:
            assert prompt.encode() not in blob, prompt
    for p in files:
        p.write_bytes(b"\x93garbage" + os.urandom(64))
    assert _without_time(report_json("model", "--since", "2000-01-01", env=env)) == first
    again = _without_time(report_json("model", "--since", "2000-01-01", env=env))
    assert again == first and all(p.read_bytes()[:8] != b"\x93garbage" for p in d.glob("*.msgpack"))



def test_a_cache_that_cannot_be_written_is_a_note_and_the_report_still_answers(tmp_path: Path,
                                                                               isolated_home: Path) -> None:
    tree = build_tree(tmp_path / "c", sessions=4, edge_cases=False)
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("")
    env = {"CLAUDE_CONFIG_DIR": str(tree.root)}
    want = _without_time(report_json("model", "--since", "2000-01-01", "--no-cache", env=env))
    proc = route("report", "model", "--since", "2000-01-01", "--json", env={**env, "XDG_CACHE_HOME": str(blocked)})
    assert _without_time(json.loads(proc.stdout)) == want
    assert proc.stderr.count("note: cannot write the report cache in") == 1, proc.stderr

def _sample_332(tmp_path: Path) -> Path:
    proj = tmp_path / "c" / "projects" / "-home-dev-proj"
    sub = proj / SID_332 / "subagents"
    sub.mkdir(parents=True)
    (proj / f"{SID_332}.jsonl").write_bytes((SAMPLES_332 / "transcript-main.jsonl").read_bytes())
    (sub / "agent-a119ee2548ecd21a3.jsonl").write_bytes((SAMPLES_332 / "transcript-subagent.jsonl").read_bytes())
    (sub / "agent-a119ee2548ecd21a3.meta.json").write_bytes((SAMPLES_332 / "transcript-subagent.meta.json").read_bytes())
    return tmp_path / "c"


def test_host_injected_turns_of_claude_code_2_1_332_are_not_classified_as_prompts(tmp_path: Path) -> None:
    root = _sample_332(tmp_path)
    rep = report_json("session", "--since", "2000-01-01", env={"CLAUDE_CONFIG_DIR": str(root)})
    main = (SAMPLES_332 / "transcript-main.jsonl").read_text().splitlines()
    typed = [json.loads(x) for x in main if '"promptSource":"typed"' in x]
    injected = [x for x in main if '"type":"user"' in x and "<task-notification>" in x]
    assert injected and typed
    # the typed prompts, minus the /model commands, plus the subagent's task; never the notification
    commands = sum(1 for r in typed if "<command-name>" in json.dumps(r["message"]["content"]))
    assert rep["what_if"]["prompts_classified"] == len(typed) - commands + 1
    (s,) = rep["sessions"]
    assert s["session_id"] == SID_332 and s["requests"] > 0


def test_the_terminal_report_states_each_scenario_and_never_a_bare_negative(tmp_path: Path) -> None:
    tree = build_tree(tmp_path / "c", sessions=9)
    out = route("report", "--since", "2000-01-01", env={"CLAUDE_CONFIG_DIR": str(tree.root)}).stdout
    block = out[out.index("What if"):]
    for words in ("As recorded", "With modelroute, automatic", "Following every suggestion",
                  "Routing that already ran", "haiku subagent", "re-read", "Low and high"):
        assert words in block, words
    assert "all_opus" not in out and "routed by modelroute" not in out
    assert "-$" not in block and "saves -" not in block and "(-" not in block
    assert "priced transcripts" in out


def test_a_lookup_on_an_opus_session_is_delegated_in_the_what_if(tmp_path: Path) -> None:
    proj = tmp_path / "c" / "projects" / "-p"
    proj.mkdir(parents=True)
    rows = []
    for i, (text, model) in enumerate([("design a sharded, lock-free cache for our distributed queue", "claude-opus-4-8"),
                                       ("where is parse_config defined?", "claude-opus-4-8")]):
        rows.append(json.dumps({"type": "user", "sessionId": "s1", "timestamp": f"2026-09-01T10:0{i}:00.000Z",
                                "message": {"role": "user", "content": text}, "origin": {"kind": "human"}}))
        rows.append(_line(i, model, f"2026-09-01T10:0{i}:30.000Z", cache_read_input_tokens=80_000))
    (proj / "s1.jsonl").write_text("\n".join(rows) + "\n")
    rep = report_json("--since", "2000-01-01", env={"CLAUDE_CONFIG_DIR": str(tmp_path / "c")})
    sc = {s["name"]: s for s in rep["what_if"]["scenarios"]}
    assert rep["what_if"]["prompts_classified"] == 2
    assert sc["automatic"]["delegated_requests"] == 1 and sc["automatic"]["cost_low"] < sc["actual"]["cost"]
    assert sc["automatic"]["cost_low"] <= sc["automatic"]["cost_high"]
    assert sc["follow"]["switches"] == 0  # the hook delegates a lookup: it never suggests /model for it


def test_doctor_says_the_price_table_is_out_of_date_after_a_report_met_an_unknown_model(tmp_path: Path) -> None:
    proj = tmp_path / "c" / "projects" / "-p"
    proj.mkdir(parents=True)
    (proj / "s1.jsonl").write_text(_line(1, "claude-sonnet-7-1") + "\n")
    env = {"CLAUDE_CONFIG_DIR": str(tmp_path / "c")}
    proc = route("report", "--since", "2000-01-01", "--json", env=env)
    assert proc.stderr.count("warning: no price for claude-sonnet-7-1; priced as claude-sonnet-5-5") == 1
    doc = json.loads(route("doctor", "--json", env=env, check=False).stdout)
    (check,) = [c for c in doc if c["name"] == "report prices"]
    assert check["status"] == "warn" and "claude-sonnet-7-1" in check["detail"]


def test_status_and_report_say_where_their_costs_come_from(tmp_path: Path, isolated_home: Path) -> None:
    import time

    state = isolated_home / ".local" / "state" / "modelroute"
    state.mkdir(parents=True)
    now = time.time()
    (state / "state.json").write_text(json.dumps({"version": 1, "last_session": "s1", "sessions": {"s1": {
        "source": "claude", "first_seen": now - 60, "last_seen": now, "model": "claude-opus-4-8", "tier": "opus",
        "prompts": {"opus": 1}, "cost_usd": 1.25}}}))
    out = route("status", check=False).stdout
    assert "$1.25 (Claude Code's own running cost" in out, out
    tree = build_tree(tmp_path / "c", sessions=2)
    out = route("report", "--since", "2000-01-01", env={"CLAUDE_CONFIG_DIR": str(tree.root)}).stdout
    assert "Costs: priced transcripts" in out and "not Claude Code's own meter" in out


def test_one_projects_report_keeps_the_others_cached_and_agrees_with_a_full_read(tmp_path: Path,
                                                                               isolated_home: Path) -> None:
    tree = build_tree(tmp_path / "c", sessions=9)
    env = {"CLAUDE_CONFIG_DIR": str(tree.root)}
    everything = _without_time(report_json("session", "--since", "2000-01-01", env=env))
    one = _without_time(report_json("session", "--since", "2000-01-01", "--project", "-home-dev-api", env=env))
    fresh = _without_time(report_json("session", "--since", "2000-01-01", "--project", "-home-dev-api",
                                      "--no-cache", env=env))
    assert one == fresh and {s["project"] for s in one["sessions"]} == {"-home-dev-api"}
    assert _without_time(report_json("session", "--since", "2000-01-01", env=env)) == everything


def test_a_file_decoded_in_one_call_reads_exactly_as_line_by_line(tmp_path: Path, monkeypatch) -> None:
    """The one-call decode (claude_log._Line) must give the very records the line-by-line paths give,
    on every file of a messy generated tree (resumed copies, sidechain replays, synthetic lines,
    interruptions) and on the real transcripts of both Claude Code versions."""
    from datetime import timezone

    import msgspec

    from routing.report import claude_log
    from routing.report.pricing import PriceBook
    from routing.report.scan import Classifier, Job, parse_file
    from routing.report.sources import SourceFile
    from routing.router.rules import default_rules

    tree = build_tree(tmp_path / "c", sessions=12, text=0.3)
    odd = tmp_path / "c" / "projects" / "-odd" / "s9.jsonl"
    odd.parent.mkdir()

    def row(**kw) -> str:
        return json.dumps({"sessionId": "s9", "timestamp": "2026-11-20T10:00:00.000Z", **kw}, separators=(",", ":"))

    def reply(i: int, out: int, blocks: list, rid: "str | None" = "r", **kw) -> str:
        usage = {"input_tokens": 5, "output_tokens": out, "cache_read_input_tokens": 90_000}
        return row(type="assistant", requestId=rid and f"{rid}{i}", **kw,
                   message={"id": f"m{i}", "model": "claude-opus-4-8", "content": blocks, "usage": usage})

    text, edit = [{"type": "text", "text": "Shall I proceed?"}], [{"type": "tool_use", "id": "t", "name": "Edit"}]
    odd.write_text("\n".join([
        row(type="user", message={"role": "user", "content": "design the cache"}),
        reply(1, 1, text), reply(1, 1, edit), reply(1, 90, text),  # a repeat, then the same id with more output
        row(type="user", origin={"kind": "peer"}, message={"role": "user", "content": "plain words from a peer"}),
        row(type="user", isMeta=True, message={"role": "user", "content": "meta"}),
        row(type="user", message={"role": "user", "content": [{"type": "text", "text": "where is foo?"},
                                                              {"type": "image", "source": {}}]}),
        reply(2, 3, edit, isSidechain=True), reply(3, 4, [], isApiErrorMessage=True), reply(4, 5, text, rid=None),
        row(type="user", message={"role": "user", "content": [{"type": "text", "text": "[Request interrupted"}]}),
        row(type="user", promptSource="system", message={"role": "user", "content": "from the system"}),
        row(type="user", message={"role": "user", "content": "yes, go ahead"}),
        reply(5, 6, text, message_note=1), row(type="assistant", message={"model": "<synthetic>", "usage": {}}),
    ]) + "\n")
    paths = sorted((tree.root / "projects").rglob("*.jsonl")) + sorted((DATA / "host-samples").rglob("*.jsonl"))
    files = [SourceFile("claude", str(p), "p", p.stem, "subagents" in p.parts or "subagent" in p.name)
             for p in paths if p.exists()]
    whole = [p for p in files if b"msg_broken" not in Path(p.path).read_bytes()]
    assert len(whole) >= len(files) - 2  # only the tree's broken files must go line by line
    for f in whole:  # the rest fit _Line: the fast path is the one that runs
        claude_log._decode_lines(Path(f.path).read_bytes().rsplit(b"\n", 1)[0])

    def records() -> list[bytes]:
        job = Job(files, [None] * len(files), PriceBook(), timezone.utc, Classifier(default_rules(), {}, b"s" * 16))
        return [msgspec.msgpack.encode(parse_file(job, f, None)) for f in files]

    fast = records()

    def refuse(data: bytes) -> list:
        raise msgspec.DecodeError("line by line, please")

    monkeypatch.setattr(claude_log, "_decode_lines", refuse)
    slow = records()
    assert sum(b'"type":"user"' in Path(f.path).read_bytes() for f in files) > 10
    assert fast == slow


def test_a_file_still_being_written_that_repeats_a_cached_response_counts_it_once(tmp_path: Path,
                                                                                   isolated_home: Path) -> None:
    """A repeat run answers from the index unless a re-read file (its last line still being written)
    shares a response with the cached files: then everything is merged again, never counted twice."""
    proj = tmp_path / "c" / "projects" / "-p"
    proj.mkdir(parents=True)
    shared = _line(1, "claude-opus-4-8")
    (proj / "a.jsonl").write_text(shared + "\n" + _line(2, "claude-opus-4-8", "2026-11-20T10:00:02.000Z") + "\n")
    (proj / "b.jsonl").write_text(shared + "\n" + _line(3, "claude-sonnet-5", "2026-11-20T10:00:03.000Z") + "\n"
                                  + '{"type":"assistant","message":{"id":"msg_9"')  # still being written
    env = {"CLAUDE_CONFIG_DIR": str(tmp_path / "c")}
    fresh = report_json("model", "--since", "2000-01-01", "--no-cache", env=env)["by_model"]
    assert {m["model"]: m["requests"] for m in fresh} == {"claude-opus-4-8": 2, "claude-sonnet-5": 1}
    for _ in range(2):  # the first run fills the cache, the second would answer from the index
        assert report_json("model", "--since", "2000-01-01", env=env)["by_model"] == fresh



def _job(root: Path):
    """A fresh parse job over every transcript under `root`, and the files' sizes."""
    from datetime import timezone

    from routing.report.pricing import PriceBook
    from routing.report.scan import Classifier, Job
    from routing.report.sources import SourceFile
    from routing.router.rules import default_rules

    paths = sorted((root / "projects").rglob("*.jsonl"))
    files = [SourceFile("claude", str(p), "p", p.stem, "subagents" in p.parts) for p in paths]
    job = Job(files, [None] * len(files), PriceBook(), timezone.utc, Classifier(default_rules(), {}, b"s" * 16))
    return job, [os.path.getsize(f.path) if os.access(f.path, os.R_OK) else 0 for f in files]


@pytest.mark.parametrize("jobs", [2, 3])
def test_files_parsed_across_processes_read_exactly_as_in_one(tmp_path: Path, monkeypatch, jobs: int) -> None:
    """The parent parses its share next to forked workers: the same records, in file order, and every
    worker's new classifications reach the parent's memo (the cache keeps them)."""
    import msgspec

    from routing.report import scan

    root = build_tree(tmp_path / "c", sessions=12, text=0.3).root
    job, sizes = _job(root)
    one = [msgspec.msgpack.encode(r) for r in scan.parse_all(job, sizes, 1)]
    memo = dict(job.classifier.memo)
    job, sizes = _job(root)
    monkeypatch.setattr(scan, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(scan, "RUNS_PER_PROCESS", 4)  # several runs each, on this small tree
    parent, parse_file = os.getpid(), scan.parse_file
    mine: list[str] = []

    def spy(job, src, prior):
        if os.getpid() == parent:
            mine.append(src.path)
        return parse_file(job, src, prior)

    monkeypatch.setattr(scan, "parse_file", spy)
    assert [msgspec.msgpack.encode(r) for r in scan.parse_all(job, sizes, jobs)] == one
    assert 0 < len(mine) < len(job.files)  # the parent parsed a share, and the workers the rest
    assert job.classifier.memo == job.classifier.new == memo


def test_a_worker_that_fails_fails_the_parse_with_its_error(tmp_path: Path, monkeypatch) -> None:
    from routing.report import scan

    job, sizes = _job(build_tree(tmp_path / "c", sessions=6).root)
    monkeypatch.setattr(scan, "PARALLEL_MIN_BYTES", 0)
    parent, parse_file = os.getpid(), scan.parse_file

    def broken(job, src, prior):
        if os.getpid() != parent:
            raise ValueError("worker trouble")
        return parse_file(job, src, prior)

    monkeypatch.setattr(scan, "parse_file", broken)
    with pytest.raises(RuntimeError, match="worker failed(.|\n)*ValueError: worker trouble"):
        scan.parse_all(job, sizes, 2)
