"""Start-up cost of the hot paths, as whole processes, against a bare interpreter.

Runs, interleaved in the same session on the same interpreter:
  baseline        python -c pass
  reference       python -c 'import re' (what importing re costs: the prompt hook must not need it)
  each hook       python hooks/<name>.py  < its payload (captured inputs from tests/data):
                  UserPromptSubmit (a prompt, a hostile repository, a background agent's
                  task-notification), PreToolUse (Agent), SessionStart, PreModelSwitch
                  (a 180k-token switch, priced once, then remembered), PostModelSwitch, the statusLine
and prints each median and its ratio to the baseline (target: <= 1.5x). A hook
script a checkout lacks is left out, so the same file measures an older tree.
Each run uses a throwaway HOME and XDG dirs, so state writes are real (the
statusLine gets a new cost each run, as in a session, so it records every time).

    .venv/bin/python bench/hooks.py [--runs 40]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from routing.claude.merge import command_for, hook_argv  # noqa: E402
SAMPLES = ROOT / "tests" / "data" / "host-samples" / "claude-code-2.1.197"
NEW_SAMPLES = ROOT / "tests" / "data" / "host-samples" / "claude-code-2.1.332"

PROMPT = {
    "session_id": "bench-session",
    "transcript_path": "",
    "cwd": "",
    "hook_event_name": "UserPromptSubmit",
    "prompt": "find the race condition in the job scheduler and explain why it only happens under load",
}
TARGET = 1.5
BASELINES = ("python -c pass", "python -c 'import re'", "python -S -c pass")
STATUS = {
    "session_id": "bench-session",
    "model": {"id": "claude-sonnet-5", "display_name": "Sonnet 5"},
    "cost": {"total_cost_usd": 0.42},
}


def route_script(py: str) -> str:
    """The installed `route` console script next to the interpreter (what users run)."""
    script = Path(py).parent / "route"
    if not script.exists():
        sys.exit(f"{script} not found: install modelroute into this interpreter first (./test.sh does)")
    return str(script)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=40)
    opts = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, PYTHONPATH=str(ROOT), HOME=home, XDG_STATE_HOME=f"{home}/state", XDG_CONFIG_HOME=f"{home}/config",
                   XDG_CACHE_HOME=f"{home}/cache", XDG_DATA_HOME=f"{home}/data")
        # Installed wheels ship byte-compiled; let the warm-up write .pyc files here too,
        # or every run would measure compiling the source.
        for var in ("CLAUDE_CONFIG_DIR", "CLAUDE_CODE_SUBAGENT_MODEL", "PYTHONPROFILEIMPORTTIME",
                    "PYTHONDONTWRITEBYTECODE"):
            env.pop(var, None)
        prompt = dict(PROMPT, cwd=home)
        status_payload = json.loads((SAMPLES / "statusline-stdin.json").read_text()) if SAMPLES.is_dir() else STATUS
        def status_stdin(i: int) -> bytes:  # a new cost every turn, as in a session: a write each time
            return json.dumps(dict(status_payload, cost={"total_cost_usd": 0.01 * i})).encode()

        def prompt_stdin(i: int) -> bytes:
            return json.dumps(prompt).encode()

        # A cloned repository with hostile team rules (issue 14 #1): a catastrophic regex, a
        # near-cap file of extra words. It must cost about what a clean directory does.
        hostile = Path(home) / "hostile-repo"
        (hostile / ".git").mkdir(parents=True)
        words = ", ".join(f"'w{i}'" for i in range(400))
        (hostile / ".route.toml").write_text(
            "[[rules]]\nname = 'evil'\ntier = 'opus'\nregex = ['^(\\w+\\s?)*$']\n"
            f"[signals.design]\nadd_words = [{words}]\n")

        def hostile_stdin(i: int) -> bytes:
            return json.dumps(dict(prompt, cwd=str(hostile), prompt=PROMPT["prompt"] + " " + "x" * 40 + "!")).encode()

        def sample(name: str, **extra: object) -> "Callable[[int], bytes]":
            data = json.loads((NEW_SAMPLES / name).read_text()) if (NEW_SAMPLES / name).is_file() else {}
            data.update(session_id="bench-session", cwd=home, transcript_path="", **extra)
            raw = json.dumps(data).encode()
            return lambda i: raw

        def hook(script: str) -> list[str]:  # exactly what route install writes, without the fail-open tail
            return hook_argv(command_for(ROOT / "hooks" / script, py))

        cases = {
            "python -c pass": ([py, "-c", "pass"], lambda i: b""),
            "python -c 'import re'": ([py, "-c", "import re"], lambda i: b""),
            "python -S -c pass": ([py, "-S", "-c", "pass"], lambda i: b""),
            "UserPromptSubmit hook": (hook("user_prompt_submit.py"), prompt_stdin),
            "UserPromptSubmit, hostile repo": (hook("user_prompt_submit.py"), hostile_stdin),
            "UserPromptSubmit, task-notif.": (hook("user_prompt_submit.py"),
                                              sample("hook-stdin-UserPromptSubmit-task-notification.json")),
            "PreToolUse hook (Agent)": (hook("pre_tool_use.py"), sample("hook-stdin-PreToolUse-Agent.json")),
            "SessionStart hook": (hook("session_start.py"), sample("hook-stdin-SessionStart.json")),
            "PreModelSwitch hook (180k)": (hook("pre_model_switch.py"), sample(
                "hook-stdin-PreModelSwitch.json", from_model="claude-sonnet-5-5", to_model="claude-opus-5-5",
                context_tokens=180_000, estimated_cache_write_usd=0.9)),
            "PostModelSwitch hook": (hook("post_model_switch.py"), sample("hook-stdin-PostModelSwitch.json")),
            "statusLine hook": (hook("status_line.py"), status_stdin),
            "route status --claude": ([py, route_script(py), "status", "--claude"], status_stdin),
        }
        cases = {name: case for name, case in cases.items() if not case[0][-1].endswith(".py") or Path(case[0][-1]).is_file()}
        # The priced switch needs routed prompts in its session, as in real use.
        for _ in range(2):
            subprocess.run(hook("user_prompt_submit.py"), input=json.dumps(dict(prompt, prompt="rename foo to bar")).encode(),
                           env=dict(env, MODELROUTE_SYNC_STATE="1"), cwd=home, capture_output=True)
        # Warm-up: the first runs compile .pyc files and any caches.
        for cmd, stdin in cases.values():
            for i in range(3):
                subprocess.run(cmd, input=stdin(i), env=env, cwd=home, capture_output=True, check=True)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for i in range(opts.runs):
            for name, (cmd, stdin) in cases.items():  # interleaved: load drifts hit every case alike
                data = stdin(100 + i)
                t0 = time.perf_counter()
                subprocess.run(cmd, input=data, env=env, cwd=home, capture_output=True, check=True)
                times[name].append(time.perf_counter() - t0)
        base = statistics.median(times["python -c pass"])
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min) on {os.cpu_count()} cores")
        print(f"{'case':31} {'median':>9} {'ratio':>6}   ({opts.runs} runs each, {py}; target <= {TARGET}x)")
        for name, ts in times.items():
            med = statistics.median(ts)
            mark = "" if name in BASELINES else ("  ok" if med / base <= TARGET else "  over target")
            print(f"{name:31} {med * 1000:7.1f}ms {med / base:5.2f}x{mark}")


if __name__ == "__main__":
    main()
