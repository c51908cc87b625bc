"""`route shell-call TOOL TIER -- ARGS`: the one process a shell wrapper starts.

Hidden: the wrappers from `route init` call it; routing.cli normally runs it
without click (routing.shell.call.fast_main). This command is the documented
entry and handles --help and bad arguments.
"""

from __future__ import annotations

import click

from routing.shell import call as shell_call


@click.command(hidden=True)
@click.argument("tool", type=click.Choice(shell_call.TOOLS))
@click.argument("tier", type=click.Choice(shell_call.TIER_ARGS))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def command(tool: str, tier: str, args: tuple[str, ...]) -> None:
    """Pick (TIER auto) and record one wrapper call; prints the tier.

    \b
    Example:
        route shell-call codex auto -- exec "where is main defined?"
    """
    shell_call.run(tool, tier, args)
