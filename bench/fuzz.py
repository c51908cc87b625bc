"""The large fuzz run: many hostile inputs through every hook handler and the statusLine, in-process.

The suite runs 150 cases a handler (tests/claude/test_fuzz_inputs.py); this runs
--cases of each (default 10,000) with the same generator, in a throwaway HOME,
and prints how many inputs were tried, how many raised, and the time per input.

    .venv/bin/python bench/fuzz.py [--cases 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--seed", default="1")
    opts = ap.parse_args()
    home = tempfile.mkdtemp(prefix="fuzz-home-")
    os.environ.update(HOME=home, XDG_STATE_HOME=f"{home}/state", XDG_CONFIG_HOME=f"{home}/config",
                      XDG_CACHE_HOME=f"{home}/cache", XDG_DATA_HOME=f"{home}/data", MODELROUTE_SYNC_STATE="1")
    os.chdir(home)
    from support import fuzz

    from routing.claude import hook_io, prompt_hook, session_hook, statusline, subagent_hook

    handlers = {"UserPromptSubmit": prompt_hook.handle, "PreToolUse": subagent_hook.handle,
                "SessionStart": session_hook.handle_start, "SessionEnd": session_hook.handle_end}
    print(f"load: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, handler in handlers.items():
        rng = random.Random(f"{opts.seed}-{name}")
        raised, t0 = 0, time.perf_counter()
        for _ in range(opts.cases):
            try:
                payload = hook_io.read_payload(io.BytesIO(fuzz.raw(rng)))
            except (ValueError, UnicodeDecodeError):
                continue
            try:
                out = handler(payload)
                if out is not None:
                    hook_io.fastjson.dumps(out, ensure_ascii=False)
            except Exception:
                raised += 1
                if raised <= 3:
                    traceback.print_exc()
        dt = (time.perf_counter() - t0) / opts.cases
        print(f"{name:17} {opts.cases} inputs, {raised} raised, {dt * 1000:.2f} ms each")
    rng = random.Random(f"{opts.seed}-status")
    bad, real = 0, sys.stdout
    t0 = time.perf_counter()
    for _ in range(opts.cases):
        sys.stdout = buf = io.StringIO()
        statusline.run(io.BytesIO(fuzz.raw(rng)))
        sys.stdout = real
        line = buf.getvalue()
        if not (line.endswith("\n") and line.count("\n") == 1 and line[:-1].isprintable()):
            bad += 1
    print(f"{'statusLine':17} {opts.cases} inputs, {bad} bad lines, "
          f"{(time.perf_counter() - t0) / opts.cases * 1000:.2f} ms each")


if __name__ == "__main__":
    main()
