#!/usr/bin/env python3
"""What the shell integration costs: the prompt segment, its forks, and `route init`.

    .venv/bin/python bench/shell_prompt.py [N]

1. Prompt renders, in real bash/zsh/fish: N renders (the precmd hook plus the
   prompt expansion, as the shell does before each prompt) with the segment,
   against N renders of the same prompt without it, in the same run. Reported
   as the ratio of the two loops and the extra microseconds per render, for an
   unchanged status file (the usual case: two stats) and for a re-read on every
   prompt (the marker can't be written, so each prompt reads the file).
2. Forks: `strace -f` counts fork/vfork/clone while the loops run; the
   difference between the two loops is what the segment spawns (target 0).
3. Start-up: `route init bash` against a bare `python3 -c pass` on the same
   interpreter (target <= 1.5x), and sourcing the cached, rendered init file
   against a bare shell start (what `route install --shell` sets up).

Medians of several rounds: this machine is shared and noisy.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 5


def route_argv() -> list[str]:
    cand = Path(sys.executable).parent / "route"
    return [str(cand)] if cand.exists() else [sys.executable, "-m", "routing"]


def shell_cmd(shell: str, script: str) -> list[str]:
    if shell == "bash":
        return ["bash", "--noprofile", "--norc", "-c", script]
    if shell == "zsh":
        return ["zsh", "-f", "-c", script]
    return ["fish", "--no-config", "-c", script]


def loops(shell: str, init: Path, status: Path, n: int, reread: bool) -> tuple[str, str]:
    """(script without the segment, script with it): n prompt renders each.

    reread: the segment's marker points into a missing directory, so it can
    never be newer than the status file and every render re-reads and parses
    it (the worst case; rewriting the file in the loop instead measured mostly
    the disk on this shared machine).
    """
    src = f"source '{init}'\n"
    write = ""
    if shell == "bash":
        body = 'for ((i=0;i<{n};i++)); do ' + write + '{hook}; p="${{PS1@P}}"; done'
        plain = "__plain() { local s=$?; return $s; }\nPS1='\\u@\\h \\w \\$ '\n"
        seg = "PS1='${ROUTE_PROMPT:+[$ROUTE_PROMPT] }\\u@\\h \\w \\$ '\n"
        hook = "__route_precmd"
    elif shell == "zsh":
        body = "for ((i=0;i<{n};i++)); do " + write + "{hook}; p=${{(%)PS1}}; done"
        plain = "__plain() { local s=$?; return $s; }\nsetopt prompt_subst; PS1='%n@%m %~ %# '\n"
        seg = "setopt prompt_subst; PS1='${ROUTE_PROMPT:+[$ROUTE_PROMPT] }%n@%m %~ %# '\n"
        hook = "__route_precmd"
    else:
        body = "for i in (seq {n}); " + write.replace(">|", ">") + "{hook}; set p (fish_prompt); end"
        plain = "function __plain; end\nfunction fish_prompt; printf '%s> ' $PWD; end\n"
        seg = "function fish_prompt; printf '%s %s> ' (__route_prompt) $PWD; end\n"
        hook = "__route_on_prompt"
    if reread:
        seg += "set -g __route_mark /nonexistent/mark\n" if shell == "fish" else "__route_mark=/nonexistent/mark\n"
    without = src + plain + body.format(n=n, hook="__plain")
    with_seg = src + seg + body.format(n=n, hook=hook)
    return without, with_seg


def timed(argv: list[str], env: dict) -> float:
    t = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def cpu(argv: list[str], env: dict) -> float:
    """User+system CPU seconds of one run: steadier than wall time on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def forks(argv: list[str], env: dict, tmp: Path) -> int | None:
    if not shutil.which("strace"):
        return None
    log = tmp / "strace.log"
    r = subprocess.run(["strace", "-f", "-qq", "-e", "trace=fork,vfork,clone,clone3", "-o", str(log), *argv],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        return None
    return sum(1 for line in log.read_text().splitlines() if "clone" in line or "fork" in line)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        env = dict(os.environ, HOME=str(tmp), XDG_STATE_HOME=str(tmp / "state"), XDG_CONFIG_HOME=str(tmp / "cfg"),
                   XDG_RUNTIME_DIR=str(tmp))
        env.pop("PROMPT_COMMAND", None)
        (tmp / "state" / "modelroute").mkdir(parents=True)
        status = tmp / "state" / "modelroute" / "status"
        status.write_text("opus 2 claude bench-session\n")
        print(f"prompt segment: {n} renders per loop, median of {ROUNDS} rounds")
        for shell in ("bash", "zsh", "fish"):
            if not shutil.which(shell):
                print(f"  {shell}: not installed")
                continue
            init = tmp / f"init.{shell}"
            init.write_text(subprocess.run([*route_argv(), "init", shell], env=env, check=True,
                                           capture_output=True, text=True).stdout)
            for reread in (False, True):
                without, with_seg = loops(shell, init, status, n, reread)
                a = [timed(shell_cmd(shell, without), env) for _ in range(ROUNDS)]
                b = [timed(shell_cmd(shell, with_seg), env) for _ in range(ROUNDS)]
                ta, tb = statistics.median(a), statistics.median(b)
                extra_us = (tb - ta) / n * 1e6
                f0 = forks(shell_cmd(shell, without), env, tmp)
                f1 = forks(shell_cmd(shell, with_seg), env, tmp)
                fork_txt = "forks: strace unavailable" if f0 is None or f1 is None else f"forks added: {f1 - f0}"
                label = "re-read every render" if reread else "status unchanged"
                print(f"  {shell:4} {label:20} with/without {tb / ta:5.2f}x   "
                      f"+{extra_us:6.1f} us/render (target < 1000)   {fork_txt} (target 0)")

        print(f"start-up: median of {ROUNDS * 2 - 1} runs")
        py = [timed([sys.executable, "-c", "pass"], env) for _ in range(ROUNDS * 2 - 1)]
        ri = [timed([*route_argv(), "init", "bash"], env) for _ in range(ROUNDS * 2 - 1)]
        tp, tr = statistics.median(py), statistics.median(ri)
        print(f"  route init bash   {tr * 1000:6.1f} ms   python3 -c pass {tp * 1000:6.1f} ms   "
              f"ratio {tr / tp:4.2f}x wall (target <= 1.5x, else source a cached init)")
        cp = statistics.median(cpu([sys.executable, "-c", "pass"], env) for _ in range(ROUNDS * 2 - 1))
        cr = statistics.median(cpu([*route_argv(), "init", "bash"], env) for _ in range(ROUNDS * 2 - 1))
        print(f"  route init bash   {cr * 1000:6.1f} ms   python3 -c pass {cp * 1000:6.1f} ms   ratio {cr / max(cp, 1e-9):4.2f}x CPU")
        init = tmp / "init.bash"
        bare = [timed(shell_cmd("bash", ":"), env) for _ in range(ROUNDS * 2 - 1)]
        cached = [timed(shell_cmd("bash", f"source '{init}'"), env) for _ in range(ROUNDS * 2 - 1)]
        tb, tc = statistics.median(bare), statistics.median(cached)
        print(f"  cached init       bash + source {tc * 1000:6.1f} ms   bare bash {tb * 1000:6.1f} ms   "
              f"+{(tc - tb) * 1000:.1f} ms; vs python3 -c pass: {tc / tp:4.2f}x")


if __name__ == "__main__":
    main()
