#!/usr/bin/env python3
"""Router throughput: prompts/s for classify() in one process, plus the cost of
a 5 MB prompt. Prints medians of several rounds, timed in CPU seconds
(process_time) so other processes on a busy machine do not count against it.

    .venv/bin/python bench/classify.py [labeled.jsonl ...]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from routing.router.classify import classify  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETS = [ROOT.parent / "shared" / "routing-dev.jsonl", *sorted((ROOT / "tests" / "data").glob("*.jsonl"))]


def load(paths: list[Path]) -> list[str]:
    prompts = []
    for p in paths:
        if p.exists():
            prompts += [json.loads(line)["prompt"] for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    return prompts or ["where is parse_config defined?", "write a retry wrapper", "design our sharding"]


def rate(prompts: list[str], seconds: float = 1.0) -> float:
    n, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        for p in prompts:
            classify(p)
        n += len(prompts)
    return n / (time.process_time() - start)


def main() -> None:
    prompts = load([Path(a) for a in sys.argv[1:]] or DEFAULT_SETS)
    classify("warm up")
    rates = [rate(prompts) for _ in range(5)]
    print(f"classify: median {statistics.median(rates):,.0f} prompts/s over {len(prompts)} prompts "
          f"(min {min(rates):,.0f}, max {max(rates):,.0f}; target >= 10,000)")
    huge = "find where the retry policy is configured\n" + "x = compute(y)\n" * 350_000
    times = []
    for _ in range(9):
        t = time.process_time()
        classify(huge)
        times.append((time.process_time() - t) * 1000)
    print(f"5 MB prompt: median {statistics.median(times):.2f} ms per classify")


if __name__ == "__main__":
    main()
