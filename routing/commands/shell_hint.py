"""`route shell-hint -- LINE`: the pre-exec hint for a typed agent command.

Hidden: the shell's pre-exec hook calls it only for lines that start with
codex, claude or cursor-agent. routing.cli normally runs it without click
(routing.shell.hint.fast_main); this command is the documented entry.
"""

from __future__ import annotations

import click

from routing.shell import hint as shell_hint


@click.command(hidden=True)
@click.argument("line")
def command(line: str) -> None:
    """Suggest a wrapper for LINE (a typed command line) on stderr, or say nothing.

    \b
    Example:
        route shell-hint -- 'codex "where is parse_config defined?"'
    """
    shell_hint.run(line)
