"""`route init SHELL`: print the shell integration for an rc file to load."""

from __future__ import annotations

from typing import Optional

import click

from routing.commands.inputs import load_config
from routing.shell import init as shell_init


@click.command()
@click.argument("shell", required=False, metavar="[bash|zsh|fish]")
@click.option("--no-hints", is_flag=True, help="Leave out the pre-exec hint (like shell.hints = false).")
def command(shell: Optional[str], no_hints: bool) -> None:
    """Print the wrappers (codex-quick, codex, codex-deep, codex-route/cr,
    claude-*, cursor-*), the prompt segment and the pre-exec hint for SHELL.
    Without SHELL, the shell this runs under is detected.

    \b
    Example:
        eval "$(route init bash)"          # ~/.bashrc
        eval "$(route init zsh)"           # ~/.zshrc
        route init fish | source           # ~/.config/fish/config.fish
        route init zsh > ~/.cache/modelroute/init.zsh   # cache it, then source that file
    """
    if shell is None:
        from routing.shell import detect

        shell = detect.calling_shell()
        if shell not in shell_init.SHELLS:
            raise click.UsageError(
                f"could not tell which shell this is (found {shell or 'nothing'!r}); "
                f"name one: route init {'|'.join(shell_init.SHELLS)}"
            )
    name = shell.lower()
    if name not in shell_init.SHELLS:
        raise click.BadParameter(
            f"{shell!r} is not supported; supported shells: {', '.join(shell_init.SHELLS)}", param_hint="SHELL"
        )
    config = load_config(project=False)  # every shell gets the user's own models, not a repository's
    click.echo(shell_init.render(name, config, hints=False if no_hints else None), nl=False)
