"""`route shell-call TOOL TIER -- ARGS`: the one process a shell wrapper starts.

Hidden: the wrappers from `route init` call it. For TIER auto it classifies
the prompt in ARGS and prints the chosen tier on stdout (one dim line on
stderr says which wrapper and why). Every call is recorded under the shell's
session ($ROUTE_SHELL_SESSION) so a deep call soon after a quick one counts
as an escalation. It never stands between the user and their agent: any
failure is logged to errors.log and the wrapper goes on.
"""

from __future__ import annotations

import os
from typing import Optional

import click

from routing.tiers import TIERS

TOOLS = ("codex", "claude", "cursor")


from routing.shell_hint import dim


def choose(tool: str, args: tuple[str, ...], config: object) -> tuple[str, str]:
    """(tier, one-line reason) for a prompt in an agent's arguments."""
    from routing import shell_args, state
    from routing.classify import classify
    from routing.config import rules_for
    from routing.decision import Context

    prompt = shell_args.prompt_of(tool, args)
    if not prompt:
        return "sonnet", "no prompt to classify: default model"
    current: Optional[str] = None
    sid = os.environ.get("ROUTE_SHELL_SESSION", "")
    rec = (state.load().get("sessions") or {}).get(sid) if sid else None
    if isinstance(rec, dict) and rec.get("tier") in TIERS:
        current = rec["tier"]
    d = classify(prompt, Context(current_tier=current), rules_for(config))  # type: ignore[arg-type]
    if d.kind == "continue" and current:
        return current, "a follow-up: staying on the session's tier"
    why = d.reasons[0] if d.reasons else (d.intent or d.kind)
    return d.tier, why


@click.command(hidden=True)
@click.argument("tool", type=click.Choice(TOOLS))
@click.argument("tier", type=click.Choice(TIERS + ("auto",)))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def command(tool: str, tier: str, args: tuple[str, ...]) -> None:
    """Pick (TIER auto) and record one wrapper call; prints the tier.

    \b
    Example:
        route shell-call codex auto -- exec "where is main defined?"
    """
    from routing import errorlog, shell_args
    from routing.config import load

    try:
        config = load(strict=False)
    except Exception as e:  # pragma: no cover - load(strict=False) does not raise
        errorlog.log("shell-call", e)
        config = None
    if tier == "auto":
        try:
            tier, why = choose(tool, args, config)
        except Exception as e:
            errorlog.log("shell-call", e)
            tier, why = "sonnet", "could not classify (see errors.log): default model"
        model = config.model_for(tool, tier) if config else ""
        click.echo(dim(f"route: {shell_args.wrapper_name(tool, tier)} ({model}): {why}"), err=True)
    click.echo(tier)
    sid = os.environ.get("ROUTE_SHELL_SESSION", "")
    if not sid or config is None:
        return
    try:
        from routing import shell_record

        window = float(config.get("shell", "escalation_window_minutes"))
        shell_record.record_call(sid, tool, tier, config.model_for(tool, tier), window)
    except Exception as e:
        errorlog.log("shell-call", e)
