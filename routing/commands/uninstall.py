"""`route uninstall`: take out exactly what `route install` put in."""

from __future__ import annotations

import click

from routing.commands import echo_changes
from routing.fileops import FileOpsError


@click.command()
@click.option("--claude", "claude", is_flag=True, help="Remove modelroute's entries from Claude Code's settings and its Explore agent.")
@click.option("--project", is_flag=True, help="Clean .claude/settings.json in the current repository instead.")
@click.option("--dry-run", is_flag=True, help="Show a unified diff of every file it would change; write nothing.")
@click.option("--follow-symlinks", is_flag=True, help="Edit the file a symlinked settings.json points to.")
def command(claude: bool, project: bool, dry_run: bool, follow_symlinks: bool) -> None:
    """Remove modelroute from Claude Code (the default target).

    Only entries modelroute added are removed: foreign hooks, your statusLine
    and any model you chose stay. A settings file nobody else changed comes
    back byte-identical; one that modelroute created is deleted.

    \b
    Example:
        route uninstall --claude --dry-run
        route uninstall --claude
    """
    from routing import claude_settings

    try:
        t = claude_settings.target(project=project)
        changes = claude_settings.uninstall(t, dry_run=dry_run, follow=follow_symlinks)
    except FileOpsError as e:
        raise click.ClickException(str(e)) from None
    echo_changes(changes, dry_run)
