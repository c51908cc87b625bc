"""Run the real hook scripts as Claude Code does: `<python> -S <script>`, JSON on stdin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional, Union

from support.tools import DATA, ROOT

from routing.claude.merge import command_for, hook_argv

HOOKS = ROOT / "hooks"
SAMPLES = DATA / "host-samples" / "claude-code-2.1.197"
SID = "a0d21917-7af3-4b46-94ef-689a45b8f1b4"  # the session of the captured samples


def sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / name).read_text())


def run_hook(
    script: str,
    payload: Union[dict, str, bytes],
    env: Optional[dict[str, str]] = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess:
    data = payload if isinstance(payload, bytes) else (payload if isinstance(payload, str) else json.dumps(payload)).encode()
    return subprocess.run(
        hook_argv(command_for(HOOKS / script, sys.executable)),  # as the installed command runs it
        input=data,
        capture_output=True,
        # Hooks record in a detached process; tests that read the state right after
        # a hook ask for the write in-process (stress tests turn this off).
        env={**os.environ, "MODELROUTE_SYNC_STATE": "1", **(env or {})},
        timeout=timeout,
    )


def output(proc: subprocess.CompletedProcess) -> Optional[dict[str, Any]]:
    """The hook's JSON output, None when it printed nothing; it must have exited 0 quietly."""
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b"", proc.stderr
    text = proc.stdout.decode().strip()
    return json.loads(text) if text else None


def prompt_payload(prompt: str, session_id: str = SID, transcript: str = "", cwd: str = "") -> dict[str, Any]:
    p = sample("hook-stdin-UserPromptSubmit.json")
    p.update(session_id=session_id, prompt=prompt, transcript_path=transcript, cwd=cwd or os.getcwd())
    return p


def agent_payload(tool_input: dict[str, Any], session_id: str = SID, cwd: str = "") -> dict[str, Any]:
    p = sample("hook-stdin-PreToolUse-Agent.json")
    p.update(session_id=session_id, tool_input=tool_input, cwd=cwd or os.getcwd())
    return p


def start(model: str = "claude-sonnet-5", session_id: str = SID) -> None:
    p = sample("hook-stdin-SessionStart.json")
    p.update(session_id=session_id, model=model, cwd=os.getcwd())
    assert output(run_hook("session_start.py", p)) is None


def write_config(text: str) -> None:
    d = Path(os.environ["XDG_CONFIG_HOME"]) / "modelroute"
    d.mkdir(parents=True, exist_ok=True)
    (d / "config.toml").write_text(text)
