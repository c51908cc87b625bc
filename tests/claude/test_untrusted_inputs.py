"""What Claude Code, a repository or another program hands the hooks is untrusted: bounded, escaped, never followed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.hookrun import HOOKS, SID, agent_payload, output, prompt_payload, run_hook, sample

from routing.claude import settings_reset, statusline
from routing.core import errorlog
from routing.state import store as state


def status(payload: dict | str) -> subprocess.CompletedProcess:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return subprocess.run([sys.executable, str(HOOKS / "status_line.py")], input=data.encode(), capture_output=True,
                          env={**os.environ, "MODELROUTE_SYNC_STATE": "1"}, timeout=60)


# -- #11 the statusLine ------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    '{"session_id": "s", "model": {"id": "x\\ud800y", "display_name": "\\udc00"}}',
    '{"session_id": "\\ud83d", "model": {"display_name": "Custom\\ud800"}}',
    '{"session_id": "s", "model": {"display_name": "My model\\nsecond line\\r\\u001b]0;owned\\u0007"}}',
])
def test_the_status_line_is_one_printable_line_whatever_the_input(raw: str) -> None:
    """Was: a lone surrogate gave a traceback and no line; a newline gave a status of several lines."""
    proc = status(raw)
    assert proc.returncode == 0 and proc.stderr == b""
    text = proc.stdout.decode("utf-8")  # valid UTF-8
    assert text.endswith("\n") and text.count("\n") == 1 and "\r" not in text and "\x1b" not in text
    assert text.strip()


# -- #14 agent files ---------------------------------------------------------------------


def test_an_agent_file_linked_to_a_device_or_fifo_is_not_read(tmp_path: Path) -> None:
    """Was: a repository's .claude/agents/x.md -> /dev/tty made PreToolUse read the terminal until killed."""
    agents = tmp_path / "repo" / ".claude" / "agents"
    agents.mkdir(parents=True)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # opening it for reading blocks until a writer comes: never
    os.symlink(fifo, agents / "reviewer.md")
    os.symlink("/dev/zero", agents / "zeros.md")
    for kind in ("reviewer", "zeros"):
        t0 = time.monotonic()
        proc = run_hook("pre_tool_use.py", agent_payload({"description": "review", "prompt": "review the diff",
                                                          "subagent_type": kind}, cwd=str(tmp_path / "repo")),
                        timeout=20)
        assert time.monotonic() - t0 < 10
        out = output(proc)
        assert out["hookSpecificOutput"]["updatedInput"]["model"]  # routed as if there were no agent file


# -- #17 and #16 SessionEnd --------------------------------------------------------------


def _session_end(transcript: str, env: dict | None = None, limit_mb: int = 0) -> subprocess.CompletedProcess:
    p = sample("hook-stdin-SessionStart.json")
    p.update(hook_event_name="SessionEnd", session_id=SID, transcript_path=transcript, reason="exit", cwd=os.getcwd())

    def cap() -> None:
        if limit_mb:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (limit_mb << 20, limit_mb << 20))

    return subprocess.run([sys.executable, str(HOOKS / "session_end.py")], input=json.dumps(p).encode(),
                          capture_output=True, env={**os.environ, "MODELROUTE_SYNC_STATE": "1", **(env or {})},
                          timeout=60, preexec_fn=cap)


def test_session_end_reads_a_transcript_with_bounded_memory() -> None:
    """Was: a transcript path of /dev/zero took 6.7 GB in 10 s (one line without end)."""
    t0 = time.monotonic()
    proc = _session_end("/dev/zero", limit_mb=1024)
    assert proc.returncode == 0 and time.monotonic() - t0 < 20
    log = Path(errorlog.log_path())
    assert "MemoryError" not in (log.read_text() if log.exists() else "")


def test_a_transcript_line_past_the_bound_is_skipped_not_held(tmp_path: Path) -> None:
    from routing.claude import live_model

    t = tmp_path / "t.jsonl"
    cmd = {"type": "user", "message": {"content": "<command-name>/model</command-name><command-args>opus</command-args>"}}
    with t.open("w") as f:
        f.write(json.dumps(cmd) + "\n")
        f.write('{"pad": "' + "x" * (live_model.MAX_LINE + 10) + '/model</command-name>"}\n')
        f.write(json.dumps({**cmd, "message": {"content": cmd["message"]["content"].replace("opus", "haiku")}}) + "\n")
    assert live_model.switched_with_model_command(str(t)) == "haiku"


def test_resetting_the_model_is_linear_in_the_file_size() -> None:
    """Was: quadratic, 12.1 s on a 332 KB settings file (past the hook's timeout)."""
    pad = ",\n".join(f'  "k{i}": {{"model": "opus", "note": "model"}}' for i in range(7000))
    text = '{\n' + pad + ',\n  "model": "opus"\n}\n'
    assert len(text) > 300_000
    t0 = time.perf_counter()
    new = settings_reset.replace_model(text, "sonnet")
    assert time.perf_counter() - t0 < 2
    assert new == text.replace('"model": "opus"\n}', '"model": "sonnet"\n}')


def test_resetting_the_model_keeps_crlf_line_endings() -> None:
    text = '{\r\n  "env": {"model": "opus"},\r\n  "model": "opus",\r\n  "x": [1,\r\n 2]\r\n}\r\n'
    new = settings_reset.replace_model(text, "sonnet")
    assert new == text.replace('"model": "opus",', '"model": "sonnet",')
    assert new.count("\r\n") == new.count("\n")


def _settings(home: Path, doc: dict) -> Path:
    path = home / ".claude" / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n")
    return path


def test_a_repositorys_default_model_never_reaches_the_users_settings(isolated_home: Path, tmp_path: Path) -> None:
    """Was: a repo's claude.default_model (any string) was written into ~/.claude/settings.json at SessionEnd."""
    settings = _settings(isolated_home, {"model": "opus"})
    repo = tmp_path / "cloned"
    (repo / ".git").mkdir(parents=True)
    (repo / ".route.toml").write_text("[claude]\ndefault_model = 'claude-haiku-evil'\n")
    state.update(SID, "claude", lambda r: (r.observe("claude-sonnet-5", "start"), r.observe("opus", "statusline")))
    p = sample("hook-stdin-SessionStart.json")
    p.update(hook_event_name="SessionEnd", session_id=SID, transcript_path="", reason="exit", cwd=str(repo))
    assert output(subprocess.run([sys.executable, str(HOOKS / "session_end.py")], input=json.dumps(p).encode(),
                                 capture_output=True, cwd=repo, env={**os.environ, "MODELROUTE_SYNC_STATE": "1"},
                                 timeout=60)) is None
    assert json.loads(settings.read_text())["model"] == "sonnet"  # the user's (built-in) default, not the repo's


def test_a_concurrent_edit_of_settings_json_is_never_rolled_back(isolated_home: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Was: SessionEnd read, modified and rewrote settings.json without checking it was unchanged."""
    settings = _settings(isolated_home, {"model": "opus", "theme": "dark"})
    real_read = settings_reset._read
    calls = []

    def racing_read(path: str) -> bytes | None:
        raw = real_read(path)
        calls.append(1)
        if len(calls) == 1:  # another program writes right after our first read
            settings.write_text(json.dumps({"model": "opus", "theme": "light"}, indent=2) + "\n")
        return raw

    monkeypatch.setattr(settings_reset, "_read", racing_read)
    assert settings_reset.restore_default_model("sonnet", "opus") == "model 'opus' -> 'sonnet'"
    assert json.loads(settings.read_text()) == {"model": "sonnet", "theme": "light"}  # their edit kept, ours made


# -- #8 the prompt hash ------------------------------------------------------------------


def test_the_stored_prompt_hash_is_keyed_with_a_private_secret() -> None:
    """Was: an unkeyed blake2b: "ok", "continue" ... recovered by dictionary in 1.8 s."""
    from hashlib import blake2b

    run_hook("user_prompt_submit.py", prompt_payload("continue"))
    rec = state.read(SID)
    stored = rec.last_decision["prompt_hash"]
    assert stored != blake2b(b"continue", digest_size=12).hexdigest()
    key = Path(state.state_dir(), "secret")
    assert len(key.read_bytes()) == 32 and (key.stat().st_mode & 0o777) == 0o600
    assert stored == blake2b(b"continue", digest_size=12, key=key.read_bytes()).hexdigest()
    assert state.secret() == state.secret()  # stable: a resent prompt is still recognised


def test_a_display_name_with_escapes_renders_as_one_plain_line() -> None:
    from routing.state.session import Session

    line = statusline.render_line("Opus\n\x1b[31m", Session("s"), 1.5)
    assert "\n" not in line and "\x1b" not in line and line.endswith("$1.50")


def test_an_older_status_line_landing_late_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Detached writers race for the lock: the statusLine of turn 1 may land after turn 2's."""
    from routing.state.session import Session

    monkeypatch.setenv("MODELROUTE_SYNC_STATE", "1")
    held: list = []
    monkeypatch.setattr(state, "update_detached", lambda sid, src, mutate: held.append((sid, src, mutate)) or True)
    statusline.status_line({"session_id": "s", "model": {"id": "claude-sonnet-5"}, "cost": {"total_cost_usd": 0.1}})
    statusline.status_line({"session_id": "s", "model": {"id": "claude-opus-4-8"}, "cost": {"total_cost_usd": 0.2}})
    for sid, src, mutate in reversed(held):  # the newer write lands first
        state.update(sid, src, mutate)
    rec = state.read("s") or Session("x")
    assert rec.cost_usd == 0.2 and rec.tier == "opus" and rec.deescalations == 0
