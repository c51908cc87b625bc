"""The Claude Code hooks, run for real: `<python> hooks/NAME.py` with JSON on stdin."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from support.hookrun import HOOKS, SAMPLES, SID, agent_payload, output, prompt_payload, run_hook, sample, start, write_config
from support.statefiles import all_text

from routing.router.classify import classify
from routing.state import store as state

OPUS_PROMPT = "audit the login flow for security vulnerabilities and injection risks"
SONNET_PROMPT = "fix the typo in README"
SONNET_PROMPT_2 = "rename the variable foo to bar in utils.py"
LOOKUP_PROMPT = "where is parse_config defined?"
EXPLAIN_PROMPT = "explain what this function does"
EXPLAIN_PROMPT_2 = "explain how the retry loop in client.py works"


@pytest.fixture(autouse=True)
def router_preconditions() -> None:
    """The scenarios below need these few unambiguous routes; say so if the router changes."""
    assert classify(OPUS_PROMPT).tier == "opus"
    assert classify(SONNET_PROMPT).tier == classify(SONNET_PROMPT_2).tier == "sonnet"
    assert classify(LOOKUP_PROMPT).tier == "haiku" and classify(LOOKUP_PROMPT).intent == "lookup"
    assert classify(EXPLAIN_PROMPT).tier == classify(EXPLAIN_PROMPT_2).tier == "haiku"
    assert classify(EXPLAIN_PROMPT).intent != "lookup"


def session() -> dict:
    rec = state.read(SID)
    assert rec is not None, "no record for the session"
    return rec.to_dict()


def transcript_with(tmp_path: Path, *extra: dict) -> str:
    """A copy of the captured main transcript (it ends after `/model opus`), plus lines."""
    path = tmp_path / "transcript.jsonl"
    shutil.copy(SAMPLES / "transcript-main.jsonl", path)
    with path.open("a") as f:
        for line in extra:
            f.write(json.dumps(line) + "\n")
    return str(path)


# -- every hook on its captured input ------------------------------------------------


@pytest.mark.parametrize(
    "script, sample_name",
    [
        ("session_start.py", "hook-stdin-SessionStart.json"),
        ("user_prompt_submit.py", "hook-stdin-UserPromptSubmit.json"),
        ("pre_tool_use.py", "hook-stdin-PreToolUse-Agent.json"),
        ("session_end.py", "hook-stdin-SessionStart.json"),
        ("status_line.py", "statusline-stdin.json"),
    ],
)
def test_each_hook_exits_0_on_its_captured_input(script: str, sample_name: str) -> None:
    proc = run_hook(script, sample(sample_name))
    assert proc.returncode == 0 and proc.stderr == b""
    assert not os.path.exists(os.path.join(state.state_dir(), "errors.log"))


@pytest.mark.parametrize("script", ["user_prompt_submit.py", "pre_tool_use.py", "session_start.py", "session_end.py"])
@pytest.mark.parametrize("stdin", [b"", b"not json", b"[]", b'{"prompt": 5}', b"\xff\xfe\x00", b'{"tool_input": "x"}'])
def test_malformed_stdin_exits_0_with_no_output(script: str, stdin: bytes) -> None:
    proc = run_hook(script, stdin)
    assert proc.returncode == 0 and proc.stdout == b"" and proc.stderr == b""


def test_bad_stdin_is_logged_to_a_private_errors_log() -> None:
    run_hook("user_prompt_submit.py", b"not json")
    log = Path(state.state_dir()) / "errors.log"
    assert "UserPromptSubmit" in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_a_corrupt_state_file_does_not_stop_the_hook() -> None:
    os.makedirs(state.sessions_dir(), exist_ok=True)
    Path(state.record_path(SID)).write_text("{corrupt")
    start()
    assert output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT)))["systemMessage"]
    assert session()["prompts"]["opus"] == 1


def test_a_broken_config_file_does_not_stop_the_hook() -> None:
    write_config("[claude\nmode = ")
    start()
    assert output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT)))["systemMessage"]
    assert "config" in (Path(state.state_dir()) / "errors.log").read_text()


# -- UserPromptSubmit -------------------------------------------------------------------


def test_prompts_are_counted_by_tier_and_their_text_never_stored() -> None:
    start()
    for p in (OPUS_PROMPT, SONNET_PROMPT, SONNET_PROMPT_2):
        run_hook("user_prompt_submit.py", prompt_payload(p))
    rec = session()
    assert rec["prompts"] == {"haiku": 0, "sonnet": 2, "opus": 1}
    assert rec["last_decision"]["tier"] == "sonnet" and len(rec["last_decision"]["prompt_hash"]) == 24
    raw = all_text(state.state_dir())
    for p in (OPUS_PROMPT, SONNET_PROMPT, "parse_config", "README"):
        assert p not in raw


def test_suggest_is_silent_when_the_model_fits() -> None:
    start("claude-sonnet-5")
    assert output(run_hook("user_prompt_submit.py", prompt_payload(SONNET_PROMPT))) is None


def test_suggest_names_the_model_command_when_the_prompt_needs_more() -> None:
    start("claude-sonnet-5")
    out = output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT)))
    assert set(out) == {"systemMessage"}
    msg = out["systemMessage"]
    assert msg.startswith("route: ") and msg.endswith("-> /model opus") and "\n" not in msg


def test_the_same_suggestion_is_not_repeated_on_every_prompt() -> None:
    start("claude-sonnet-5")
    shown = [output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT))) for _ in range(4)]
    assert shown[0] is not None and shown[1:] == [None, None, None]
    assert session()["suggestions"]["shown"] == 1


def test_the_configured_model_name_is_suggested() -> None:
    write_config('[models.claude]\nopus = "claude-opus-4-8"\n')
    start("claude-sonnet-5")
    out = output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT)))
    assert out["systemMessage"].endswith("/model claude-opus-4-8")


def test_without_a_known_model_the_hook_only_records() -> None:
    assert output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT))) is None
    assert session()["prompts"]["opus"] == 1


def test_a_model_switch_in_the_transcript_is_seen_but_only_an_overruling_one_counts(tmp_path: Path) -> None:
    start("claude-sonnet-5")
    run_hook("user_prompt_submit.py", prompt_payload(SONNET_PROMPT))  # modelroute routes to sonnet
    transcript = transcript_with(tmp_path)  # ends with `/model opus` after a sonnet reply
    out = output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT, transcript=transcript)))
    assert out is None  # already on opus: nothing to say
    rec = session()
    assert rec["tier"] == "opus" and rec["escalations"] == 1 and rec["moves"] == {"up:switch_transcript": 1}
    run_hook("user_prompt_submit.py", prompt_payload(SONNET_PROMPT, transcript=transcript))
    assert session()["escalations"] == 1  # the same /model line is one switch


def test_a_switch_that_follows_our_suggestion_is_not_an_escalation(tmp_path: Path) -> None:
    start("claude-sonnet-5")
    assert output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT)))["systemMessage"]
    run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT, transcript=transcript_with(tmp_path)))
    rec = session()
    assert rec["tier"] == "opus" and rec["escalations"] == 0 and rec["moves"] == {}


def test_only_the_transcript_tail_is_read(tmp_path: Path) -> None:
    start("claude-sonnet-5")
    transcript = transcript_with(tmp_path)
    with open(transcript, "a") as f:  # the /model line is now far from the end
        for i in range(3000):
            f.write(json.dumps({"type": "progress", "n": i, "pad": "x" * 40}) + "\n")
    run_hook("user_prompt_submit.py", prompt_payload(SONNET_PROMPT, transcript=transcript))
    assert session()["tier"] == "sonnet"


def test_a_one_off_lookup_on_a_bigger_model_is_delegated_to_haiku(tmp_path: Path) -> None:
    start("claude-opus-4-8")
    out = output(run_hook("user_prompt_submit.py", prompt_payload(LOOKUP_PROMPT)))
    assert set(out) == {"hookSpecificOutput"}
    ctx = out["hookSpecificOutput"]
    assert ctx["hookEventName"] == "UserPromptSubmit" and 'model "haiku"' in ctx["additionalContext"]


def test_going_down_is_suggested_only_after_a_streak_in_a_short_conversation() -> None:
    start("claude-opus-4-8")
    first = output(run_hook("user_prompt_submit.py", prompt_payload(SONNET_PROMPT)))
    second = output(run_hook("user_prompt_submit.py", prompt_payload(SONNET_PROMPT_2)))
    assert first is None
    assert second["systemMessage"].startswith("route: ") and "-> /model sonnet" in second["systemMessage"]


def test_going_down_is_not_suggested_when_the_cache_cost_outweighs_it() -> None:
    start("claude-sonnet-5")
    status = sample("statusline-stdin.json")
    status["context_window"]["current_usage"] = {"input_tokens": 10, "cache_read_input_tokens": 150_000}
    assert run_hook("status_line.py", status).returncode == 0
    outs = [output(run_hook("user_prompt_submit.py", prompt_payload(p))) for p in (EXPLAIN_PROMPT, EXPLAIN_PROMPT_2)]
    assert outs == [None, None]


def test_going_down_in_a_short_conversation_from_sonnet() -> None:
    start("claude-sonnet-5")
    outs = [output(run_hook("user_prompt_submit.py", prompt_payload(p))) for p in (EXPLAIN_PROMPT, EXPLAIN_PROMPT_2)]
    assert outs[0] is None and "-> /model haiku" in outs[1]["systemMessage"]


def test_off_mode_records_but_says_nothing() -> None:
    write_config('[claude]\nmode = "off"\n')
    start("claude-haiku-4-5-20251001")
    assert output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT))) is None
    assert session()["prompts"]["opus"] == 1


def test_enforce_blocks_a_prompt_above_the_session_once() -> None:
    write_config('[claude]\nmode = "enforce"\n')
    start("claude-sonnet-5")
    first = output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT)))
    assert first["decision"] == "block" and "/model opus" in first["reason"]
    again = output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT)))
    assert again is None  # the same prompt sent again goes through
    other = output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT + " in the admin api")))
    assert other["decision"] == "block"
    assert output(run_hook("user_prompt_submit.py", prompt_payload(SONNET_PROMPT))) is None
    assert OPUS_PROMPT not in all_text(state.state_dir())


@pytest.mark.parametrize("fault", ["none", "lock busy", "disk full"])
def test_enforce_blocks_a_prompt_at_most_once_whatever_happens_to_the_state(fault: str) -> None:
    """A block the state cannot remember would block every resend (was 4 of 4): advise instead."""
    import fcntl

    write_config('[claude]\nmode = "enforce"\n')
    start("claude-sonnet-5")
    fd = -1
    if fault == "lock busy":  # a writer that never lets go
        fd = os.open(state.lock_path(), os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
    def disk_full() -> None:  # every write fails with EFBIG, as on a full disk (root ignores modes)
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    def send() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(HOOKS / "user_prompt_submit.py")],
                              input=json.dumps(prompt_payload(OPUS_PROMPT)).encode(), capture_output=True,
                              env={**os.environ, "MODELROUTE_SYNC_STATE": "1"}, timeout=60,
                              preexec_fn=disk_full if fault == "disk full" else None)

    try:
        replies = [output(send()) for _ in range(4)]
    finally:
        if fd >= 0:
            os.close(fd)
    blocks = [r for r in replies if r and r.get("decision") == "block"]
    assert len(blocks) <= 1, replies
    if fault == "none":  # blocked once; the resends go ahead, as the block said they would
        assert blocks and replies[1:] == [None] * 3
    else:  # the block could not be remembered: every send is told, none is stopped
        assert not blocks and all(r and "needs opus" in r["systemMessage"] for r in replies), replies


def test_an_escalation_prompt_is_counted() -> None:
    start("claude-sonnet-5")
    run_hook("user_prompt_submit.py", prompt_payload("still wrong, think harder"))
    rec = session()
    assert rec["escalations"] == 1 and rec["moves"] == {"up:prompt": 1}


# -- PreToolUse (Agent) ------------------------------------------------------------------


def agent_out(tool_input: dict, env: dict | None = None) -> dict | None:
    return output(run_hook("pre_tool_use.py", agent_payload(tool_input), env=env))


def test_a_lookup_subagent_is_sent_to_haiku_with_its_whole_input() -> None:
    tool_input = {"description": "Find config loader", "prompt": LOOKUP_PROMPT, "subagent_type": "general-purpose"}
    out = agent_out(tool_input)
    # The model and nothing else: a permissionDecision would skip the host's own check of the call.
    assert out == {"hookSpecificOutput": {"hookEventName": "PreToolUse", "updatedInput": {**tool_input, "model": "haiku"}}}


def test_a_security_audit_subagent_is_sent_to_opus() -> None:
    out = agent_out({"description": "Security audit", "prompt": OPUS_PROMPT, "subagent_type": "general-purpose"})
    assert out["hookSpecificOutput"]["updatedInput"]["model"] == "opus"
    assert session()["subagents"]["opus"] == 1


def test_a_subagent_that_names_its_model_is_left_alone_and_counted_apart_if_raised() -> None:
    assert agent_out({"description": "Find", "prompt": LOOKUP_PROMPT, "subagent_type": "x", "model": "opus"}) is None
    rec = session()
    assert rec["escalations"] == 0 and rec["moves"] == {}  # ↑N is the user's, not the caller's choice
    assert rec["subagents"]["above_route"] == 1 and rec["subagents"]["opus"] == 1


def test_the_env_override_disables_per_task_routing() -> None:
    out = agent_out({"description": "Audit", "prompt": OPUS_PROMPT}, env={"CLAUDE_CODE_SUBAGENT_MODEL": "haiku"})
    assert out is None
    assert session()["subagents"]["by_env"] == 1


def test_a_config_pin_sets_every_subagent_model() -> None:
    write_config('[claude]\nsubagent_model = "claude-sonnet-5"\n')
    out = agent_out({"description": "Audit", "prompt": OPUS_PROMPT})
    assert out["hookSpecificOutput"]["updatedInput"]["model"] == "sonnet"


def test_subagent_routing_can_be_turned_off() -> None:
    write_config("[claude]\nsubagent_routing = false\n")
    assert agent_out({"description": "Audit", "prompt": OPUS_PROMPT}) is None


def test_agents_whose_frontmatter_pins_a_model_are_left_alone(tmp_path: Path) -> None:
    assert agent_out({"description": "Explore", "prompt": OPUS_PROMPT, "subagent_type": "Explore"}) is None
    agents = Path(os.environ["HOME"]) / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "reviewer.md").write_text("---\nname: reviewer\nmodel: opus\n---\nReview code.\n")
    (agents / "helper.md").write_text("---\nname: helper\nmodel: inherit\n---\nHelp.\n")
    assert agent_out({"description": "Find", "prompt": LOOKUP_PROMPT, "subagent_type": "reviewer"}) is None
    out = agent_out({"description": "Find", "prompt": LOOKUP_PROMPT, "subagent_type": "helper"})
    assert out["hookSpecificOutput"]["updatedInput"]["model"] == "haiku"


def test_other_tools_are_ignored() -> None:
    p = agent_payload({"command": "ls"})
    p["tool_name"] = "Bash"
    assert output(run_hook("pre_tool_use.py", p)) is None


# -- SessionStart / SessionEnd --------------------------------------------------------------


def test_session_start_records_model_tier_and_source() -> None:
    proc = run_hook("session_start.py", sample("hook-stdin-SessionStart.json"))
    assert output(proc) is None
    rec = session()
    assert (rec["model"], rec["tier"], rec["start_source"]) == ("claude-sonnet-5", "sonnet", "startup")
    assert Path(state.status_path()).read_text() == f"sonnet 0 claude {SID}\n"


def settings_file(text: str) -> Path:
    path = Path(os.environ["HOME"]) / ".claude" / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o640)
    return path


def end(transcript: str) -> None:
    p = {"session_id": SID, "transcript_path": transcript, "cwd": os.getcwd(),
         "hook_event_name": "SessionEnd", "reason": "prompt_input_exit"}
    assert output(run_hook("session_end.py", p)) is None


def test_session_end_restores_the_default_model_after_a_model_switch(tmp_path: Path) -> None:
    original = '{\n  "hooks": {"X": []},\n  "model": "opus",\n  "env": {"model": "opus"}\n}\n'
    path = settings_file(original)
    end(transcript_with(tmp_path))
    assert path.read_text() == original.replace('"model": "opus",', '"model": "sonnet",')
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert Path(str(path) + ".modelroute-backup").read_text() == original


def test_session_end_honours_claude_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg_dir = tmp_path / "claude-cfg"
    cfg_dir.mkdir()
    (cfg_dir / "settings.json").write_text('{"model": "opus"}')
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(cfg_dir))
    end(transcript_with(tmp_path))
    assert json.loads((cfg_dir / "settings.json").read_text()) == {"model": "sonnet"}


@pytest.mark.parametrize(
    "settings, config",
    [
        ('{"model": "opus", oops}', ""),  # unparsable: never touched
        ('{"model": "haiku"}', ""),  # changed since the /model opus: the later choice wins
        ('{"model": "opus"}', "[claude]\nreset_model_on_exit = false\n"),
    ],
)
def test_session_end_leaves_settings_alone_when_it_should(tmp_path: Path, settings: str, config: str) -> None:
    if config:
        write_config(config)
    path = settings_file(settings)
    end(transcript_with(tmp_path))
    assert path.read_text() == settings


def test_session_end_without_a_model_switch_changes_nothing(tmp_path: Path) -> None:
    path = settings_file('{"model": "opus"}')
    transcript = tmp_path / "t.jsonl"
    transcript.write_text('{"type": "user", "message": {"role": "user", "content": "hi"}}\n')
    start("claude-opus-4-8")
    end(str(transcript))
    assert path.read_text() == '{"model": "opus"}'


# -- statusLine and route status ---------------------------------------------------------------


def test_status_line_shows_model_wanted_tier_escalations_and_cost() -> None:
    start("claude-sonnet-5")
    run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT))
    line = run_hook("status_line.py", sample("statusline-stdin.json")).stdout.decode()
    assert line == "sonnet · wants opus · $0.02\n"
    switched = sample("statusline-stdin.json")
    switched["model"] = {"id": "claude-opus-4-8", "display_name": "Opus 4.8"}
    line = run_hook("status_line.py", switched).stdout.decode()
    assert line == "opus · $0.02\n"  # seen; following our suggestion is no escalation
    run_hook("user_prompt_submit.py", prompt_payload("that's shallow, think harder"))
    line = run_hook("status_line.py", switched).stdout.decode()
    assert line == "opus · ↑1 · $0.02\n"  # the complaint is
    assert session()["moves"] == {"up:prompt": 1}


def test_route_status_claude_is_the_status_line(python_exe: str) -> None:
    import subprocess

    payload = json.dumps(sample("statusline-stdin.json")).encode()
    via_cli = subprocess.run([python_exe, "-m", "routing", "status", "--claude"], input=payload, capture_output=True)
    via_hook = run_hook("status_line.py", payload)
    assert via_cli.returncode == 0 and via_cli.stdout == via_hook.stdout == "sonnet · $0.02\n".encode()


def test_route_status_claude_typed_at_a_terminal_says_how_to_use_it(python_exe: str, isolated_home: Path) -> None:
    """The README's `route status --claude`, run by hand: a real pty on stdin, no JSON coming."""
    import pty
    import subprocess

    master, slave = pty.openpty()
    try:
        proc = subprocess.run([python_exe, "-m", "routing", "status", "--claude"], stdin=slave,
                              capture_output=True, text=True, timeout=30)
    finally:
        os.close(slave)
        os.close(master)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "statusLine command" in proc.stderr and "| route status --claude" in proc.stderr
    assert not (isolated_home / ".local/state/modelroute/errors.log").exists()


def test_status_line_prints_a_line_even_on_junk() -> None:
    proc = run_hook("status_line.py", b"junk")
    assert proc.returncode == 0 and proc.stdout == b"route\n"


def test_route_status_for_humans_and_as_json(python_exe: str) -> None:
    import subprocess

    def route(*args: str) -> str:
        proc = subprocess.run([python_exe, "-m", "routing", "status", *args], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    assert "no session recorded yet. Start a Claude Code session, or run `codex-quick" in route()
    assert json.loads(route("--json")) is None
    start("claude-sonnet-5")
    run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT))
    human = route()
    assert SID in human and "claude-sonnet-5 (sonnet)" in human and "sonnet 0 · opus 1" in human
    doc = json.loads(route("--json"))
    assert doc["session_id"] == SID and doc["prompts"]["opus"] == 1


def test_the_prompt_right_after_session_start_sees_its_model() -> None:
    """In `claude -p`, UserPromptSubmit follows SessionStart at once: its tier must already be recorded."""
    env = {"MODELROUTE_SYNC_STATE": ""}  # as installed
    assert output(run_hook("session_start.py", sample("hook-stdin-SessionStart.json"), env=env)) is None
    out = output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT), env=env))
    assert out is not None and out["systemMessage"].endswith("/model opus")


def test_an_unwritable_state_dir_still_lets_the_prompt_through(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    env = {"XDG_STATE_HOME": str(blocker / "state")}  # makedirs fails even for root
    start_payload = dict(sample("hook-stdin-SessionStart.json"))
    assert output(run_hook("session_start.py", start_payload, env=env)) is None
    assert output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT), env=env)) is None
    line = run_hook("status_line.py", sample("statusline-stdin.json"), env=env)
    assert line.returncode == 0 and line.stdout == "sonnet · $0.02\n".encode()


# -- turns the host injects (2.1.332) ----------------------------------------------------------

NEW_SAMPLES = SAMPLES.parent / "claude-code-2.1.332"


@pytest.mark.parametrize("name", ["hook-stdin-UserPromptSubmit-task-notification.json",
                                  "hook-stdin-UserPromptSubmit-agent-message-handback.json"])
def test_a_background_agents_result_is_not_routed_counted_or_answered(name: str) -> None:
    start("claude-opus-4-8")
    injected = json.loads((NEW_SAMPLES / name).read_text())
    injected.update(session_id=SID, cwd=os.getcwd(), transcript_path="")
    before = session()
    assert output(run_hook("user_prompt_submit.py", injected)) is None
    after = session()
    assert after["prompts"] == before["prompts"] and after["last_decision"] is None
    assert after["suggestions"] == {} and after["escalations"] == 0


# -- an explicit complaint always gets a word ---------------------------------------------------

COMPLAINT = "that's shallow, think harder"


def test_a_complaint_is_answered_even_after_the_same_suggestion_was_shown() -> None:
    start("claude-sonnet-5")
    assert classify(COMPLAINT).kind == "escalate"
    assert output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT)))["systemMessage"].endswith("/model opus")
    out = output(run_hook("user_prompt_submit.py", prompt_payload(COMPLAINT)))
    assert out["systemMessage"] == "route: the last answer fell short -> /model opus"
    assert output(run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT))) is None  # the plain repeat stays quiet
    assert output(run_hook("user_prompt_submit.py", prompt_payload(COMPLAINT)))["systemMessage"]  # each complaint


def test_a_complaint_on_the_top_tier_or_an_unknown_model_still_gets_a_word() -> None:
    start("claude-opus-4-8")
    assert "already on opus" in output(run_hook("user_prompt_submit.py", prompt_payload(COMPLAINT)))["systemMessage"]
    other = "11111111-2222-3333-4444-555555555555"  # no SessionStart: the live model is unknown
    out = output(run_hook("user_prompt_submit.py", prompt_payload(COMPLAINT, session_id=other)))
    assert out["systemMessage"].startswith("route: the last answer fell short -> /model ")


# -- PostModelSwitch / PreModelSwitch (2.1.332) -------------------------------------------------

def switch_payload(event: str, from_model: str, to_model: str, source: str = "command", **extra) -> dict:
    p = json.loads((NEW_SAMPLES / f"hook-stdin-{event}.json").read_text())
    p.update(session_id=SID, cwd=os.getcwd(), from_model=from_model, to_model=to_model, source=source,
             requested_model=extra.pop("requested", to_model), **extra)
    return p


def post_switch(from_model: str, to_model: str, source: str = "command", **extra) -> None:
    p = switch_payload("PostModelSwitch", from_model, to_model, source, **extra)
    assert output(run_hook("post_model_switch.py", p)) is None


def test_post_model_switch_is_the_record_of_the_users_switches() -> None:
    start("claude-sonnet-5-5")
    run_hook("user_prompt_submit.py", prompt_payload(SONNET_PROMPT))  # routed to sonnet
    post_switch("claude-sonnet-5-5", "claude-opus-5-5", "picker", requested=None)  # the user overrules it
    rec = session()
    assert (rec["model"], rec["tier"], rec["escalations"]) == ("claude-opus-5-5", "opus", 1)
    assert rec["moves"] == {"up:switch_picker": 1} and rec["switch_events"] == {"picker": 1}
    assert rec["switched_to"] == "claude-opus-5-5"
    post_switch("claude-opus-5-5", "claude-sonnet-5-5", "auto", requested=None)  # plan mode, not the user
    post_switch("claude-sonnet-5-5", "claude-opus-5-5", "auto", requested=None)
    rec = session()
    assert rec["escalations"] == 1 and rec["deescalations"] == 0 and rec["switch_events"]["auto"] == 2


def test_with_post_model_switch_the_transcripts_model_line_is_not_counted_twice(tmp_path: Path) -> None:
    start("claude-sonnet-5")
    run_hook("user_prompt_submit.py", prompt_payload(SONNET_PROMPT))
    post_switch("claude-sonnet-5", "claude-opus-4-8", "command", requested="opus")
    run_hook("user_prompt_submit.py", prompt_payload(OPUS_PROMPT, transcript=transcript_with(tmp_path)))
    assert session()["escalations"] == 1


def test_session_end_resets_only_what_a_model_command_saved_and_the_next_start_says_so(tmp_path: Path) -> None:
    start("claude-sonnet-5-5")
    path = settings_file('{"model": "opus"}\n')
    post_switch("claude-sonnet-5-5", "claude-opus-5-5", "command", requested="opus")
    end("")
    assert json.loads(path.read_text()) == {"model": "sonnet"}
    first = output(run_hook("session_start.py", sample("hook-stdin-SessionStart.json")))
    assert "/model opus" in first["systemMessage"] and "reset_model_on_exit = false" in first["systemMessage"]
    assert str(Path(os.environ["XDG_CONFIG_HOME"]) / "modelroute" / "config.toml") in first["systemMessage"]
    assert output(run_hook("session_start.py", sample("hook-stdin-SessionStart.json"))) is None  # once


def test_a_plan_mode_switch_alone_leaves_settings_alone() -> None:
    start("claude-sonnet-5-5")
    path = settings_file('{"model": "opusplan"}\n')
    post_switch("claude-sonnet-5-5", "claude-opus-5-5", "auto", requested=None)
    end("")
    assert path.read_text() == '{"model": "opusplan"}\n'
    assert output(run_hook("session_start.py", sample("hook-stdin-SessionStart.json"))) is None


def pre_switch(from_model: str, to_model: str, source: str = "command", env: dict | None = None, **extra) -> dict | None:
    p = switch_payload("PreModelSwitch", from_model, to_model, source, **extra)
    return output(run_hook("pre_model_switch.py", p, env=env))


# 180k tokens re-read at opus's cache-write price ($4/Mtok x 1.25), as the host estimates it.
BIG = {"context_tokens": 180_000, "estimated_cache_write_usd": 0.90, "prompt_cache_warm": True}


def test_a_needless_switch_up_is_priced_once_with_ask() -> None:
    start("claude-sonnet-5-5")
    for p in (SONNET_PROMPT, SONNET_PROMPT_2):
        run_hook("user_prompt_submit.py", prompt_payload(p))
    out = pre_switch("claude-sonnet-5-5", "claude-opus-5-5", **BIG)["hookSpecificOutput"]
    assert out["hookEventName"] == "PreModelSwitch" and out["permissionDecision"] == "ask"
    reason = out["permissionDecisionReason"]
    assert "180k tokens, about $0.90" in reason and "an opus subagent costs about $0.08" in reason, reason
    assert pre_switch("claude-sonnet-5-5", "claude-opus-5-5", **BIG) is None  # never nag


def test_a_switch_down_that_does_not_pay_points_at_a_haiku_subagent() -> None:
    write_config("[claude]\nswitch_check_usd = 0.01\n")
    start("claude-sonnet-5-5")
    run_hook("user_prompt_submit.py", prompt_payload(SONNET_PROMPT))
    # sonnet -> haiku on 180k tokens: the re-read ($0.0225 at haiku's rate) outweighs the saving.
    down = dict(BIG, estimated_cache_write_usd=0.0225)
    out = pre_switch("claude-sonnet-5-5", "claude-haiku-5-5", **down)["hookSpecificOutput"]
    assert out["permissionDecision"] == "ask"
    assert "more than haiku saves" in out["permissionDecisionReason"]
    assert "a haiku subagent costs about $0.002" in out["permissionDecisionReason"]
    # opus -> haiku pays for itself even on a long conversation: no question.
    start("claude-opus-5-5")
    assert pre_switch("claude-opus-5-5", "claude-haiku-5-5", **down) is None


@pytest.mark.parametrize("case", ["cheap", "cold cache", "complained", "sdk", "off", "disabled", "no routes yet",
                                  "routed up"])
def test_the_switch_check_stays_quiet_when_it_should(case: str) -> None:
    start("claude-sonnet-5-5")
    prompts = {"complained": [SONNET_PROMPT, "that's shallow, think harder"], "no routes yet": [],
               "routed up": [SONNET_PROMPT, OPUS_PROMPT]}.get(case, [SONNET_PROMPT])
    for p in prompts:
        run_hook("user_prompt_submit.py", prompt_payload(p))
    if case == "off":
        write_config('[claude]\nmode = "off"\n')
    if case == "disabled":
        write_config("[claude]\nswitch_check = false\n")
    extra = dict(BIG, estimated_cache_write_usd=0.02) if case == "cheap" else dict(BIG)
    if case == "cold cache":
        extra["prompt_cache_warm"] = False
    assert pre_switch("claude-sonnet-5-5", "claude-opus-5-5", "sdk" if case == "sdk" else "command", **extra) is None


def test_enforce_mode_denies_a_needless_switch() -> None:
    write_config('[claude]\nmode = "enforce"\n')
    start("claude-sonnet-5-5")
    run_hook("user_prompt_submit.py", prompt_payload(SONNET_PROMPT))
    out = pre_switch("claude-sonnet-5-5", "claude-opus-5-5", "sdk", **BIG)["hookSpecificOutput"]
    assert out["permissionDecision"] == "deny"


@pytest.mark.parametrize("name", ["hook-stdin-PreModelSwitch.json", "hook-stdin-PreModelSwitch-picker.json",
                                  "hook-stdin-PreModelSwitch-picker-default.json", "hook-stdin-PreModelSwitch-sdk.json",
                                  "hook-stdin-PostModelSwitch.json", "hook-stdin-PostModelSwitch-auto-planmode.json",
                                  "hook-stdin-PostModelSwitch-picker-default.json", "hook-stdin-PostModelSwitch-sdk.json"])
def test_the_captured_model_switch_inputs_exit_0_quietly(name: str) -> None:
    script = "pre_model_switch.py" if "Pre" in name else "post_model_switch.py"
    proc = run_hook(script, json.loads((NEW_SAMPLES / name).read_text()))
    assert proc.returncode == 0 and proc.stderr == b""  # 3k tokens: far below the price threshold
    assert proc.stdout == b""
    assert not os.path.exists(os.path.join(state.state_dir(), "errors.log"))


def test_a_configured_effort_goes_with_a_routed_subagent_and_nothing_by_default() -> None:
    task = {"description": "Security audit", "prompt": OPUS_PROMPT, "subagent_type": "general-purpose"}
    assert "effort" not in agent_out(task)["hookSpecificOutput"]["updatedInput"]
    write_config('[claude.subagent_effort]\nopus = "high"\nhaiku = "low"\n')
    assert agent_out(task)["hookSpecificOutput"]["updatedInput"]["effort"] == "high"
    lookup = {"description": "Find", "prompt": LOOKUP_PROMPT, "subagent_type": "general-purpose"}
    assert agent_out(lookup)["hookSpecificOutput"]["updatedInput"]["effort"] == "low"
    assert agent_out({**task, "effort": "max"})["hookSpecificOutput"]["updatedInput"]["effort"] == "max"  # the caller's


def test_an_unknown_effort_in_the_config_is_refused_by_route_config_check(python_exe: str) -> None:
    import subprocess

    write_config('[claude.subagent_effort]\nopus = "extreme"\n')
    proc = subprocess.run([python_exe, "-m", "routing", "config", "check"], capture_output=True, text=True)
    assert proc.returncode != 0 and "subagent_effort.opus" in proc.stdout + proc.stderr
