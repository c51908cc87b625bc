"""Start-up cost of the hot paths, as whole processes, against a bare interpreter.

Runs, interleaved in the same session on the same interpreter:
  baseline        python -c pass
  prompt hook     python hooks/user_prompt_submit.py  < a UserPromptSubmit payload
  status line     python -m routing.cli status --claude < a statusLine payload (the `route` entry point)
and prints each median and its ratio to the baseline (target: <= 1.5x).
Each run uses a throwaway HOME and XDG dirs, so state writes are real.

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

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "host-samples" / "claude-code-2.1.197"

PROMPT = {
    "session_id": "bench-session",
    "transcript_path": "",
    "cwd": "",
    "hook_event_name": "UserPromptSubmit",
    "prompt": "find the race condition in the job scheduler and explain why it only happens under load",
}
STATUS = {
    "session_id": "bench-session",
    "model": {"id": "claude-sonnet-5", "display_name": "Sonnet 5"},
    "cost": {"total_cost_usd": 0.42},
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=40)
    opts = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, HOME=home, XDG_STATE_HOME=f"{home}/state", XDG_CONFIG_HOME=f"{home}/config",
                   XDG_CACHE_HOME=f"{home}/cache", XDG_DATA_HOME=f"{home}/data")
        for var in ("CLAUDE_CONFIG_DIR", "CLAUDE_CODE_SUBAGENT_MODEL", "PYTHONPROFILEIMPORTTIME"):
            env.pop(var, None)
        prompt = dict(PROMPT, cwd=home)
        status_payload = json.loads((SAMPLES / "statusline-stdin.json").read_text()) if SAMPLES.is_dir() else STATUS
        cases = {
            "python -c pass": ([py, "-c", "pass"], b""),
            "UserPromptSubmit hook": ([py, str(ROOT / "hooks" / "user_prompt_submit.py")], json.dumps(prompt).encode()),
            "route status --claude": ([py, "-c", "from routing.cli import main; main()", "status", "--claude"],
                                      json.dumps(status_payload).encode()),
        }
        # Warm-up: the first runs compile .pyc files and any caches.
        for cmd, stdin in cases.values():
            for _ in range(3):
                subprocess.run(cmd, input=stdin, env=env, cwd=home, capture_output=True, check=True)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(opts.runs):
            for name, (cmd, stdin) in cases.items():  # interleaved: load drifts hit every case alike
                t0 = time.perf_counter()
                subprocess.run(cmd, input=stdin, env=env, cwd=home, capture_output=True, check=True)
                times[name].append(time.perf_counter() - t0)
        base = statistics.median(times["python -c pass"])
        print(f"{'case':24} {'median':>9} {'ratio':>6}   ({opts.runs} runs each, {py})")
        for name, ts in times.items():
            med = statistics.median(ts)
            print(f"{name:24} {med * 1000:7.1f}ms {med / base:5.2f}x")


if __name__ == "__main__":
    main()
