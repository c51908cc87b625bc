"""Helpers for the shell integration tests: real shells, stub agents, rendered init."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

from support.tools import require_tool

SHELLS = ("bash", "zsh", "fish")
AGENTS = ("codex", "claude", "cursor-agent")

STUB = """#!{python}
import json, os, sys
with open(os.environ["STUB_LOG"], "a", encoding="utf-8") as f:
    f.write(json.dumps({{"bin": {name!r}, "argv": sys.argv[1:]}}) + "\\n")
sys.exit(int(os.environ.get("STUB_EXIT", "0")))
"""


def route_argv() -> list[str]:
    """The installed `route` of the interpreter running the tests."""
    cand = Path(sys.executable).parent / "route"
    if cand.exists():
        return [str(cand)]
    return [sys.executable, "-m", "routing"]


def shell_argv(shell: str, script: str, strict: bool = False) -> list[str]:
    """A clean, non-interactive shell running `script` (strict: -e -u)."""
    exe = require_tool(shell)
    if shell == "bash":
        return [exe, "--noprofile", "--norc", *(["-e", "-u"] if strict else []), "-c", script]
    if shell == "zsh":
        return [exe, "-f", *(["-e", "-u"] if strict else []), "-c", script]
    return [exe, "--no-config", "-c", script]


def make_stubs(bindir: Path, names: Sequence[str] = AGENTS) -> None:
    bindir.mkdir(parents=True, exist_ok=True)
    for name in names:
        p = bindir / name
        p.write_text(STUB.format(python=sys.executable, name=name))
        p.chmod(0o755)


def read_calls(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]


def render(shell: str, env: dict, *extra: str) -> str:
    out = subprocess.run([*route_argv(), "init", shell, *extra], env=env, capture_output=True, text=True, check=True)
    return out.stdout


class Sandbox:
    """A temp HOME with stub agents on PATH and the init for each shell rendered to a file."""

    def __init__(self, home: Path, agents: Sequence[str] = AGENTS) -> None:
        self.home = home
        self.bin = home / "stubbin"
        self.log = home / "stub.log"
        make_stubs(self.bin, agents)
        self.env = dict(os.environ)
        self.env.update(
            PATH=f"{self.bin}{os.pathsep}/usr/bin{os.pathsep}/bin",
            STUB_LOG=str(self.log),
            TERM="dumb",
            # The prompt marker goes to the runtime dir when there is one: keep it in the sandbox.
            XDG_RUNTIME_DIR=str(home / "runtime"),
        )
        (home / "runtime").mkdir(mode=0o700, exist_ok=True)
        for var in ("ROUTE_SHELL_SESSION", "ROUTE_PROMPT", "PROMPT_COMMAND", "BASH_ENV", "ENV", "NO_COLOR"):
            self.env.pop(var, None)
        self._inits: dict[str, Path] = {}

    def init_file(self, shell: str, *extra: str) -> Path:
        key = shell + " ".join(extra)
        if key not in self._inits:
            path = self.home / f"init-{len(self._inits)}.{shell}"
            path.write_text(render(shell, self.env, *extra))
            self._inits[key] = path
        return self._inits[key]

    def source(self, shell: str, *extra: str) -> str:
        return f"source '{self.init_file(shell, *extra)}'"

    def run(self, shell: str, body: str, strict: bool = False, env: Optional[dict] = None, init: bool = True,
            timeout: float = 60) -> subprocess.CompletedProcess:
        script = (self.source(shell) + "\n" if init else "") + body
        run_env = dict(self.env, **(env or {}))
        return subprocess.run(shell_argv(shell, script, strict), env=run_env, capture_output=True, text=True,
                              timeout=timeout, cwd=self.home)

    def calls(self) -> list[dict]:
        return read_calls(self.log)

    def status_dir(self) -> Path:
        return Path(self.env["XDG_STATE_HOME"]) / "modelroute"


def interactive(shell: str, lines: Sequence[str], env: dict, timeout: float = 60) -> str:
    """Type `lines` into an interactive shell on a pty; returns everything it printed.

    Each line is sent once the shell shows the prompt `@@P> `, so hooks that run
    only in an interactive reader (preexec, fish_preexec, PROMPT_COMMAND) fire.
    """
    exe = require_tool(shell)
    prompt = b"@@P> "
    if shell == "bash":
        argv = [exe, "--noprofile", "--norc", "-i"]
        setup = "PS1='@@''P> '; PS2=''"
    elif shell == "zsh":
        argv = [exe, "-f", "-i"]
        setup = "PROMPT='@@''P> '; PS2=''"
    else:
        argv = [exe, "--no-config", "-i"]
        setup = "function fish_prompt; printf '@@%s> ' P; end; function fish_greeting; end"
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - child
        os.execve(exe, argv, env)
    out = b""
    deadline = time.monotonic() + timeout

    def read_until_prompt(count: int) -> None:
        nonlocal out
        while out.count(prompt) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{shell} did not show its prompt; output so far:\n{out.decode(errors='replace')}")
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    return
                if not data:
                    return
                out += data

    try:
        os.write(fd, (setup + "\r").encode())
        n = 1
        read_until_prompt(n)
        for line in lines:
            n += 1
            os.write(fd, (line + "\r").encode())
            read_until_prompt(n)
        os.write(fd, b"exit\r")
        while time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                out += data
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)
    return out.decode(errors="replace").replace("\r", "")
