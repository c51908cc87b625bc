"""Benchmark: `route report --json` against ccusage 20.0.24 on the same large transcript tree.

Generates about 100,000 assistant lines (~150 MB) in a temp dir with
tests/support/transcript_tree.py, then runs, alternately and several times:
    ccusage claude session --json --offline           (.cache/npm/ccusage)
    route first run: an empty $XDG_CACHE_HOME each time, every file parsed
    route first, installed: the same, but the router's compiled rules are there (install.sh
                   and every hook leave them in $XDG_CACHE_HOME/modelroute), as on a user's
                   first report; only the report's own cache is empty
    route repeat run: the cache the previous run left, nothing changed
and prints median wall time, peak memory (the summed RSS of each command's
whole process tree, sampled every 5 ms), the ratios route/ccusage and the
load average. Times come from runs nobody watches: polling psutil every 5 ms
slows a busy command, ccusage more than route (~0.04 on the first-run ratio
here), so peak memory is taken in separate, sampled runs of each command.
Both answers are also compared (per-model tokens equal, cost within $1e-6). Targets (issue 11): first run at 1e5 lines <= 0.5x ccusage's
time and <= its memory; repeat run at 1e6 lines <= 0.05x its time.

    .venv/bin/python bench/report.py [--lines 100000] [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.transcript_tree import build_tree  # noqa: E402

CCUSAGE = ROOT / ".cache" / "npm" / "ccusage" / "node_modules" / ".bin" / "ccusage"


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    """(seconds, stdout) of a run with nothing polling it."""
    out = tempfile.TemporaryFile()
    start = time.perf_counter()
    code = subprocess.call(cmd, stdout=out, stderr=subprocess.DEVNULL, env=env)
    elapsed = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"{cmd[0]} failed with exit code {code}")
    out.seek(0)
    return elapsed, out.read().decode()


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """(seconds, peak summed RSS of the process tree in bytes, stdout); the polling slows the run."""
    out = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env=env)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            procs = [ps] + ps.children(recursive=True)
            rss = 0
            for p in procs:
                try:
                    rss += p.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.005)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed with exit code {proc.returncode}")
    out.seek(0)
    return elapsed, peak, out.read().decode()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=100_000, help="assistant lines to generate (about)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", help="generate into (or reuse) this dir instead of a temp dir")
    args = ap.parse_args()
    if not CCUSAGE.exists():
        raise SystemExit(f"{CCUSAGE} missing: run scripts/install-test-tools.sh")

    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="route-bench-"))
    tree_dir = base / "claude"
    try:
        if not (tree_dir / "projects").is_dir():
            t0 = time.perf_counter()
            # ~100 assistant lines per session (20 turns x ~2.5 calls x ~2 lines per response)
            tree = build_tree(tree_dir, sessions=max(args.lines // 100, 1), turns=20, days=30, text=0.3)
            print(f"generated {tree.assistant_lines:,} assistant lines ({tree.responses:,} responses) "
                  f"in {time.perf_counter() - t0:.1f} s")
        size = sum(f.stat().st_size for f in tree_dir.rglob("*.jsonl") if f.is_file())
        files = sum(1 for f in tree_dir.rglob("*.jsonl") if f.is_file())
        print(f"tree: {files:,} files, {size / 1e6:.0f} MB, cores: {os.cpu_count()}")
        env = {**os.environ, "CLAUDE_CONFIG_DIR": str(tree_dir), "NO_COLOR": "1", "HOME": str(base)}
        # Installed wheels ship byte-compiled (as bench/hooks.py says): let the warm-up run write
        # .pyc files, or every route run would also measure compiling routing's source (~40 ms).
        for var in ("CODEX_HOME", "PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME"):
            env.pop(var, None)
        route = [sys.executable, "-m", "routing", "report", "session", "--json", "--since", "2000-01-01"]
        ccusage = [str(CCUSAGE), "claude", "session", "--json", "--offline"]
        baseline = [sys.executable, "-c", "pass"]
        warm = base / "cache-warm"
        results: dict[str, list[tuple[float, int]]] = {"ccusage": [], "route first": [], "route first, installed": [],
                                                      "route repeat": [], "python -c pass": []}
        outputs = {}
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        measure(route, {**env, "XDG_CACHE_HOME": str(warm)})  # leaves the warm cache
        cold, installed = base / "cache-cold", base / "cache-installed"
        rules = sorted((warm / "modelroute").glob("rules-*.marshal"))
        commands = (("ccusage", ccusage, env), ("route first", route, {**env, "XDG_CACHE_HOME": str(cold)}),
                    ("route first, installed", route, {**env, "XDG_CACHE_HOME": str(installed)}),
                    ("route repeat", route, {**env, "XDG_CACHE_HOME": str(warm)}), ("python -c pass", baseline, env))

        def reset() -> None:
            shutil.rmtree(cold, ignore_errors=True)
            shutil.rmtree(installed, ignore_errors=True)
            (installed / "modelroute").mkdir(parents=True)
            for r in rules:
                shutil.copy2(r, installed / "modelroute" / r.name)

        peaks: dict[str, list[int]] = {name: [] for name in results}
        for _ in range(args.runs):
            for name, cmd, e in commands:
                reset()
                secs, out = timed(cmd, e)
                results[name].append((secs, 0))
                outputs[name] = out
            for name, cmd, e in commands:  # memory: the same runs again, sampled
                reset()
                peaks[name].append(measure(cmd, e)[1])
        for name, rs in results.items():
            results[name] = [(secs, peak) for (secs, _), peak in zip(rs, peaks[name])]
        print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'command':<24}{'median s':>10}{'peak MB':>10}")
        med = {}
        for name, rs in results.items():
            med[name] = (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs))
            print(f"{name:<24}{med[name][0]:>10.3f}{med[name][1] / 1e6:>10.1f}")
        if not rules:
            print("(no compiled rules in the warm cache: 'route first, installed' compiled them too)")
        for name in ("route first", "route first, installed", "route repeat"):
            print(f"{name}: time ratio route/ccusage {med[name][0] / med['ccusage'][0]:.3f}, "
                  f"memory ratio {med[name][1] / med['ccusage'][1]:.2f}")
        print(f"interpreter start-up (python -c pass) is {med['python -c pass'][0] / med['route first'][0]:.0%} "
              f"of a first run's time")
        _compare(json.loads(outputs["route first"]), json.loads(outputs["ccusage"]))
        _compare(json.loads(outputs["route first, installed"]), json.loads(outputs["ccusage"]))
        _compare(json.loads(outputs["route repeat"]), json.loads(outputs["ccusage"]))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


def _compare(ours: dict, theirs: dict) -> None:
    want: dict[str, dict[str, float]] = {}
    for s in theirs["sessions"]:
        for m in s["modelBreakdowns"]:
            w = want.setdefault(m["modelName"], {"input_tokens": 0, "output_tokens": 0, "cache_read_tokens": 0,
                                                 "cache_write_tokens": 0, "cost": 0.0})
            w["input_tokens"] += m["inputTokens"]
            w["output_tokens"] += m["outputTokens"]
            w["cache_read_tokens"] += m["cacheReadTokens"]
            w["cache_write_tokens"] += m["cacheCreationTokens"]
            w["cost"] += m["cost"]
    got = {m["model"]: m for m in ours["by_model"]}
    bad = [name for name, w in want.items()
           if name not in got or any(got[name][k] != w[k] for k in w if k != "cost")
           or abs(got[name]["cost"] - w["cost"]) > 1e-6]
    print("answers agree (per-model tokens equal, costs within $0.000001)" if not bad else f"ANSWERS DIFFER: {bad}")


if __name__ == "__main__":
    main()
