"""`route shell-session`: the id this shell's wrapper calls are counted under."""

from __future__ import annotations

import os

import click


@click.command()
def command() -> None:
    """Print this shell's session id (set by `route init` as $ROUTE_SHELL_SESSION:
    the shell's name, pid and start time).

    \b
    Example:
        route shell-session        # bash-12345-1764100000
    """
    sid = os.environ.get("ROUTE_SHELL_SESSION", "")
    if not sid:
        raise click.ClickException(
            "no shell session: ROUTE_SHELL_SESSION is not set. Load the shell integration first: "
            'eval "$(route init bash)" (or zsh; fish: route init fish | source)'
        )
    click.echo(sid)
