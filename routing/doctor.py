"""`route doctor`: check the whole set-up, one verdict per check, each with its fix.

Each install target brings its own checks (routing.edits.target's `checks()`:
Claude Code, the shell, Codex, Cursor, in install order), the state file has
routing.state.checks, the report routing.report.checks; this module runs them in that order and adds the ones
about modelroute itself: config, tools, `route` on PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Optional

from routing.core import paths
from routing.core.checks import FAIL, OK, WARN, Check, run


def check_config() -> Check:
    name = "config"
    from routing.commands.inputs import load_strict
    from routing.core.config import ConfigError

    try:
        conf = load_strict()
        from routing.router.rules import compile_rules

        compile_rules(conf.rule_layers())
    except ConfigError as e:
        return Check(name, FAIL, str(e), f"edit {e.path}" + (f" at line {e.line}" if e.line else "") + ", then `route config check`")
    except (ValueError, KeyError, TypeError) as e:
        return Check(name, FAIL, f"custom rules do not compile: {e}", "route config check")
    files = [str(p) for p, _ in conf.layers]
    return Check(name, OK, f"valid ({', '.join(files) if files else 'built-in defaults'})")


def tool_version(program: str) -> Optional[str]:
    """First line of `program --version`, None if not on PATH; '' if it would not say."""
    exe = shutil.which(program)
    if exe is None:
        return None
    try:
        proc = subprocess.run([exe, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, text=True, timeout=15)
    except (OSError, subprocess.SubprocessError):
        return ""
    lines = proc.stdout.strip().splitlines()
    return lines[0].strip() if proc.returncode == 0 and lines else ""


def check_tools() -> Check:
    name = "tools"
    found, broken = [], []
    for program in ("claude", "codex", "cursor-agent"):
        v = tool_version(program)
        if v is None:
            found.append(f"{program}: not found")
        elif v == "":
            broken.append(program)
            found.append(f"{program}: --version failed")
        else:
            found.append(f"{program} {v}")
    if broken:
        return Check(name, WARN, "; ".join(found), f"reinstall {', '.join(broken)}")
    return Check(name, OK, "; ".join(found))


def check_route_on_path() -> Check:
    name = "route on PATH"
    from routing.core import nettools

    exe = shutil.which("route")
    net_tools = nettools.system_route()
    if exe is None:
        alt = shutil.which("modelroute")
        bin_dir = Path(alt).parent if alt else paths.home() / ".local/bin"
        fix = f"add {bin_dir} to PATH"
        if _shell_puts_on_path(bin_dir):
            fix = f"open a new shell: modelroute's shell set-up puts {bin_dir} on PATH"
        return Check(name, WARN, "`route` is not on PATH" + (f" (modelroute is: {alt})" if alt else ""), fix)
    if nettools.is_ours(os.path.realpath(exe)):
        extra = f"; net-tools arguments (route -n) go on to {net_tools}" if net_tools else ""
        return Check(name, OK, f"{exe} is modelroute{extra}")
    ours = Path(sys.executable).parent if os.path.exists(Path(sys.executable).parent / "route") else paths.home() / ".local/bin"
    local_bin = paths.home() / ".local/bin"
    if str(local_bin) not in os.environ.get("PATH", "").split(os.pathsep) and _shell_puts_on_path(local_bin):
        fix = f"open a new shell: modelroute's shell set-up puts {local_bin} first on PATH (or use `modelroute`)"
    else:
        fix = f"use `modelroute` instead, or put {ours} before {Path(exe).parent} in PATH"
    return Check(name, WARN, f"`route` runs {exe} (net-tools), which shadows modelroute", fix)


def _shell_puts_on_path(bin_dir: Path) -> bool:
    """The installed shell init adds `bin_dir` to PATH (routing.shell.setup.path_lines)."""
    from routing.shell import setup as shell_setup

    for f in (shell_setup.init_file("bash"), shell_setup.init_file("zsh"), shell_setup.fish_conf_file()):
        try:
            text = f.read_text(encoding="utf-8")
        except OSError:
            continue
        if any(shell_setup.path_lines(sh, bin_dir) in text for sh in ("bash", "fish")):
            return True
    return False


def run_all() -> list[Check]:
    from routing.install import all_targets
    from routing.report import checks as report_checks
    from routing.state import checks as state_checks

    named: list[tuple[str, Callable[[], Check]]] = []
    for target in all_targets():
        named += target.checks()
    named += state_checks.checks()
    named += report_checks.checks()
    named += [("config", check_config), ("tools", check_tools), ("route on PATH", check_route_on_path)]
    return run(named)
