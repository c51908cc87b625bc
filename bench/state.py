"""The state store under a heavy user's load: write cost against sessions kept, and live sessions.

Two measurements, each in a throwaway HOME:
  write cost   the median time of one locked update of one session, with 0, 500
               and 2,000 (the cap) other sessions kept;
  live load    N concurrent "sessions" (default 8), each sending T prompts: per turn the
               real UserPromptSubmit hook, then the real statusLine (a new cost each turn,
               so it writes), as Claude Code runs them. Once on an empty state, once on a
               full one. Prints the hook's p50 and how many prompts were counted.

Targets (issue 14): write cost flat (<= 5 ms at 2,000 sessions); nothing lost; the hook's
p50 on a full state within 10% of its p50 on an empty one. The machine is shared: the
load average is printed with the figures, and the two live runs are interleaved by turn.

    .venv/bin/python bench/state.py [--runs 30] [--sessions 8] [--turns 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROMPT = "find the race condition in the job scheduler and explain why it only happens under load"


def env_for(home: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), HOME=home, XDG_STATE_HOME=f"{home}/state", XDG_CONFIG_HOME=f"{home}/config",
               XDG_CACHE_HOME=f"{home}/cache", XDG_DATA_HOME=f"{home}/data")
    for var in ("CLAUDE_CONFIG_DIR", "CLAUDE_CODE_SUBAGENT_MODEL", "MODELROUTE_SYNC_STATE", "PYTHONDONTWRITEBYTECODE"):
        env.pop(var, None)
    return env


def use_home(home: str) -> None:
    os.environ.update(env_for(home))


# -- the store, through whichever API this checkout has (so the bench runs before and after) --


def _store():
    from routing.state import store

    return store


def fill(n: int) -> None:
    """n sessions kept, each a realistic record, all seen in the last hour."""
    store = _store()
    now = time.time()
    if not hasattr(store, "read"):  # the single-document store: write the document directly
        doc = store.empty()
        for i in range(n):
            rec = store.new_session("claude", now - i)
            rec.update(model="claude-sonnet-5", tier="sonnet", prompts={"haiku": 3, "sonnet": 9, "opus": 1},
                       last_decision={"tier": "sonnet", "kind": "route", "intent": "code", "confidence": 0.8,
                                      "prompt_hash": "0" * 24, "mode": "suggest"},
                       recent=["sonnet"] * 5, cost_usd=1.25, context_tokens=50000)
            doc["sessions"][f"filler-{i:05d}"] = rec
        doc["last_session"] = "filler-00000"
        os.makedirs(store.state_dir(), mode=0o700, exist_ok=True)
        with open(store.state_path(), "w") as f:
            json.dump(doc, f)
        return

    def mutate(rec) -> None:
        rec.model, rec.tier = "claude-sonnet-5", "sonnet"
        rec.prompts.update(haiku=3, sonnet=9, opus=1)
        rec.last_decision = {"tier": "sonnet", "kind": "route", "intent": "code", "confidence": 0.8,
                             "prompt_hash": "0" * 24, "mode": "suggest"}
        rec.recent = ["sonnet"] * 5
        rec.cost_usd, rec.context_tokens = 1.25, 50000

    for i in range(n):
        store.update(f"filler-{i:05d}", "claude", mutate)


def one_write(sid: str) -> bool:
    store = _store()
    if not hasattr(store, "read"):
        def mutate(doc: dict) -> None:
            store.session(doc, sid, "claude")["prompts"]["sonnet"] += 1

        return store.update(mutate)
    return store.update(sid, "claude", lambda rec: rec.count_prompt("sonnet"))


def prompts_of(sid: str) -> int:
    store = _store()
    if not hasattr(store, "read"):
        rec = store.load()["sessions"].get(sid) or {}
        return sum((rec.get("prompts") or {}).values())
    rec = store.read(sid)
    return sum(rec.prompts.values()) if rec else 0


def write_cost(runs: int) -> dict[int, float]:
    out = {}
    for n in (0, 500, 2000):
        with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as home:
            use_home(home)
            fill(n)
            one_write("bench")  # the session exists: each run below is one ordinary update
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                assert one_write("bench")
                times.append(time.perf_counter() - t0)
            out[n] = statistics.median(times)
    return out


# -- live sessions ---------------------------------------------------------------------


def live(home: str, sessions: int, turns: int, first_turn: int = 0) -> tuple[list[float], int, int]:
    """(UserPromptSubmit wall times, prompts sent, prompts counted) for concurrent sessions."""
    env = env_for(home)
    py = sys.executable
    prompt_hook = str(ROOT / "hooks" / "user_prompt_submit.py")
    status_hook = str(ROOT / "hooks" / "status_line.py")
    times: list[float] = []
    lock = threading.Lock()

    def session(k: int) -> None:
        sid = f"live-{k}"
        for t in range(first_turn, first_turn + turns):
            payload = {"session_id": sid, "transcript_path": "", "cwd": home, "hook_event_name": "UserPromptSubmit",
                       "prompt": f"{PROMPT} (turn {t})"}
            t0 = time.perf_counter()
            subprocess.run([py, prompt_hook], input=json.dumps(payload).encode(), env=env, cwd=home,
                           capture_output=True, check=True)
            dt = time.perf_counter() - t0
            with lock:
                times.append(dt)
            status = {"session_id": sid, "model": {"id": "claude-sonnet-5", "display_name": "Sonnet 5"},
                      "cost": {"total_cost_usd": 0.01 * (t + 1)},
                      "context_window": {"current_usage": {"input_tokens": 1000 + t}}}
            subprocess.run([py, status_hook], input=json.dumps(status).encode(), env=env, cwd=home,
                           capture_output=True, check=True)

    threads = [threading.Thread(target=session, args=(k,)) for k in range(sessions)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return times, sessions * turns, 0


def settle(sessions: int, sent: int) -> int:
    """Prompts counted once the hooks' detached writers are done (they may lag the hooks)."""
    counted, still, deadline = -1, 0, time.monotonic() + 30
    while time.monotonic() < deadline:
        now = sum(prompts_of(f"live-{k}") for k in range(sessions))
        if now == sent:
            return now
        still = still + 1 if now == counted else 0
        counted = now
        if still >= 10:
            break
        time.sleep(0.5)
    return counted


def warm(home: str) -> None:
    env = env_for(home)
    for _ in range(3):
        payload = {"session_id": "warm", "transcript_path": "", "cwd": home, "prompt": "hello"}
        subprocess.run([sys.executable, str(ROOT / "hooks" / "user_prompt_submit.py")],
                       input=json.dumps(payload).encode(), env=env, cwd=home, capture_output=True, check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--turns", type=int, default=20)
    ap.add_argument("--skip-live", action="store_true")
    opts = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    costs = write_cost(opts.runs)
    print(f"write cost (median of {opts.runs}):")
    for n, c in costs.items():
        print(f"  {n:5d} sessions kept  {c * 1000:7.2f} ms")
    if opts.skip_live:
        return
    # Empty and full alternate, a few turns at a time, so the machine's load drifts hit both alike.
    homes = {"empty": tempfile.mkdtemp(prefix="bench-empty-"), "full": tempfile.mkdtemp(prefix="bench-full-")}
    for label, n in (("empty", 0), ("full", 2000)):
        use_home(homes[label])
        fill(n)
        warm(homes[label])
    times: dict[str, list[float]] = {"empty": [], "full": []}
    sent = {"empty": 0, "full": 0}
    rounds = max(1, opts.turns // 5)
    for r in range(rounds):
        for label in ("empty", "full") if r % 2 == 0 else ("full", "empty"):
            t, n_sent, _ = live(homes[label], opts.sessions, 5, first_turn=5 * r)
            times[label] += t
            sent[label] += n_sent
    for label in ("empty", "full"):
        use_home(homes[label])
        counted = settle(opts.sessions, sent[label])
        ts = sorted(times[label])
        print(f"live, {label:5} state: {opts.sessions} sessions x {5 * rounds} turns: hook p50 "
              f"{statistics.median(ts) * 1000:6.1f} ms, p90 {ts[int(len(ts) * 0.9)] * 1000:6.1f} ms; "
              f"counted {counted}/{sent[label]}")
    ratio = statistics.median(times["full"]) / statistics.median(times["empty"])
    print(f"full/empty hook p50: {ratio:.2f}x (target <= 1.10x)")
    import shutil

    for home in homes.values():
        shutil.rmtree(home, ignore_errors=True)
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
