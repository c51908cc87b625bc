"""One shell wrapper call: pick the tier (codex-route & co.) and record it.

The wrappers from `route init` start exactly one `route shell-call` process
per call, before the agent itself, so it skips click. For TIER auto it
classifies the prompt in the agent's arguments and prints the chosen tier on
stdout, with one dim line on stderr saying which wrapper and why. Every call
is recorded under the shell's session ($ROUTE_SHELL_SESSION), so a deep call
soon after a quick one counts as an escalation. It never stands between the
user and their agent: any failure is logged to errors.log and the wrapper
goes on.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Optional, Sequence

from routing.core.printable import printable
from routing.core.tiers import TIERS
from routing.shell.hint import dim

TOOLS = ("codex", "claude", "cursor")
# Plain `codex`: the user's own default model (their config.toml), counted as the middle tier.
DEFAULT = "default"
TIER_ARGS = TIERS + ("auto", DEFAULT)


def choose(tool: str, args: Sequence[str], config: Any) -> tuple[str, str]:
    """(tier, one-line reason) for a prompt in an agent's arguments."""
    from routing.router.decision import Context
    from routing.router.guard import classify_for
    from routing.shell import cmdline as shell_args
    from routing.state import store as state

    prompt = shell_args.prompt_of(tool, args)
    if not prompt:
        return "sonnet", "no prompt to classify: default model"
    sid = os.environ.get("ROUTE_SHELL_SESSION", "")
    rec = state.read(sid) if sid else None
    current: Optional[str] = rec.tier if rec is not None else None
    d = classify_for(prompt, Context(current_tier=current), config, "shell-call")
    if d.kind == "continue" and current:
        return current, "a follow-up: staying on the session's tier"
    why = d.reasons[0] if d.reasons else (d.intent or d.kind)
    return d.tier, why


def run(tool: str, tier: str, args: Sequence[str]) -> None:
    from routing.core import errorlog
    from routing.core.config import load
    from routing.shell import cmdline as shell_args

    try:
        config = load(strict=False)
    except Exception as e:  # load(strict=False) does not raise; belt and braces
        errorlog.log("shell-call", e)
        config = None
    if tier == "auto":
        try:
            tier, why = choose(tool, args, config)
        except Exception as e:
            errorlog.log("shell-call", e)
            tier, why = "sonnet", "could not classify (see errors.log): default model"
        model = _wrapper_model(config, tool, tier)
        line = f"route: {shell_args.wrapper_name(tool, tier)} ({model}): {why}"
        sys.stderr.write(dim(printable(line, 300)) + "\n")
        stale = _stale_wrappers(config)
        if stale:
            sys.stderr.write(dim(stale) + "\n")
        sys.stderr.flush()
    sys.stdout.write(tier + "\n")
    sys.stdout.flush()
    own_model = tier == DEFAULT
    if own_model:
        tier = "sonnet"
    sid = os.environ.get("ROUTE_SHELL_SESSION", "")
    if not sid or config is None:
        return
    try:
        from routing.shell import record as shell_record

        window = float(config.get("shell", "escalation_window_minutes"))
        model = None if own_model else _wrapper_model(config, tool, tier)
        shell_record.record_call(sid, tool, tier, model, window)
    except Exception as e:
        errorlog.log("shell-call", e)


RENDERED_VAR = "ROUTE_RENDERED_MODELS"


def _stale_wrappers(config: Any) -> str:
    """A note when this shell's wrappers were rendered with other models than the user's config names now."""
    rendered = os.environ.get(RENDERED_VAR)
    if not rendered or config is None:
        return ""
    from routing.shell.init import models_fingerprint, slots

    if any(str(path).endswith(".route.toml") for path, _ in config.layers):
        from routing.core.config import load

        config = load(strict=False, project=False)
    if models_fingerprint(slots(config)) == rendered:
        return ""
    return ("route: your config names other models than this shell's wrappers were rendered with: "
            "open a new shell (after `route install --shell` if you installed the init file)")


def _wrapper_model(config: Any, tool: str, tier: str) -> str:
    """The model the wrapper runs: rendered from the user's own config, so a repository's
    [models] never changes what is reported or recorded (its rules still route the prompt)."""
    if config is None:
        return ""
    if tier not in TIERS:
        return ""
    if any(str(path).endswith(".route.toml") for path, _ in config.layers):
        from routing.core.config import load

        config = load(strict=False, project=False)
    return config.model_for(tool, tier)


def fast_main(args: Sequence[str]) -> bool:
    """`route shell-call TOOL TIER [--] ARGS...` from routing.cli, before click loads."""
    if len(args) < 2 or args[0] not in TOOLS or args[1] not in TIER_ARGS:
        return False  # --help, typos: click's job
    rest = list(args[2:])
    if rest[:1] == ["--"]:
        rest = rest[1:]
    run(args[0], args[1], rest)
    return True
