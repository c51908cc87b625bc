"""The pre-exec hint for a typed agent command line, without click.

The shell's pre-exec hook runs this for lines starting with codex, claude or
cursor-agent, right before the command itself: every millisecond here is a
millisecond the user waits, so it skips click (~50 ms) and says nothing at
all unless another tier fits better than the one the line will run on.
"""

from __future__ import annotations

import os
import sys
from typing import Sequence


def dim(text: str) -> str:
    if sys.stderr.isatty() and not os.environ.get("NO_COLOR"):
        return f"\x1b[2m{text}\x1b[0m"
    return text


def hint(line: str) -> str:
    """The one-line suggestion for `line`, or "" when it is fine as typed."""
    from routing.core.config import load
    from routing.core.tiers import tier_of_model
    from routing.shell import cmdline as shell_args

    words = shell_args.split_line(line)
    if not words:
        return ""
    tool = shell_args.TOOL_OF_BINARY.get(words[0])
    if tool is None or shell_args.picks_model(tool, words[1:]):
        return ""
    prompt = shell_args.prompt_of(tool, words[1:])
    if not prompt:
        return ""
    config = load(strict=False)
    if not config.get("shell", "hints"):
        return ""
    current = "sonnet"
    if tool == "claude":
        current = tier_of_model(str(config.get("claude", "default_model"))) or "sonnet"
    from routing.router.decision import Context
    from routing.router.guard import classify_for

    d = classify_for(prompt, Context(), config, "shell-hint")
    if d.kind != "task" or d.tier == current:
        return ""
    return shell_args.hint_text(tool, d.tier, d.intent)


def run(line: str) -> None:
    """Print the hint (if any) on stderr. Never raises: the command runs regardless."""
    try:
        text = hint(line)
    except Exception as e:
        from routing.core import errorlog

        errorlog.log("shell-hint", e)
        return
    if text:
        sys.stderr.write(dim(text) + "\n")
        sys.stderr.flush()


def fast_main(args: Sequence[str]) -> bool:
    """`route shell-hint [--] LINE` straight from routing.cli, before click loads."""
    rest = list(args)
    if rest[:1] == ["--"]:
        rest = rest[1:]
    elif rest[:1] and rest[0].startswith("-"):
        return False  # --help and friends: click's job
    if len(rest) != 1:
        return False
    run(rest[0])
    return True
