"""`route install`: wire modelroute into the tools on this machine."""

from __future__ import annotations

import click

from routing.commands import echo_changes
from routing.fileops import FileOpsError


@click.command()
@click.option("--claude", "claude", is_flag=True, help="Merge the hooks, statusLine, model and Explore agent into Claude Code's settings.")
@click.option("--project", is_flag=True, help="Write .claude/settings.json in the current repository instead of the user settings.")
@click.option("--mode", type=click.Choice(["smart", "simple"]), default="smart", show_default=True,
              help="smart: route each subagent task. simple: CLAUDE_CODE_SUBAGENT_MODEL=haiku for every subagent "
                   "(disables per-task routing).")
@click.option("--dry-run", is_flag=True, help="Show a unified diff of every file it would change; write nothing.")
@click.option("--follow-symlinks", is_flag=True, help="Edit the file a symlinked settings.json points to.")
def command(claude: bool, project: bool, mode: str, dry_run: bool, follow_symlinks: bool) -> None:
    """Install modelroute's routing into Claude Code (the default target).

    Claude Code's user settings are $CLAUDE_CONFIG_DIR/settings.json, else
    ~/.claude/settings.json. Every unknown key and foreign hook is kept, the
    original is backed up once to settings.json.modelroute-backup, and a second
    run changes nothing. `route uninstall --claude` takes it all out again.
    With --project the hook commands hold this machine's paths: prefer
    keeping them out of version control.

    \b
    Example:
        route install --claude --dry-run
        route install --claude
        route install --claude --mode simple
    """
    from routing import claude_settings

    try:
        t = claude_settings.target(project=project)
        changes = claude_settings.install(t, mode=mode, dry_run=dry_run, follow=follow_symlinks)
    except FileOpsError as e:
        raise click.ClickException(str(e)) from None
    echo_changes(changes, dry_run)
    if not dry_run and any(c.changed for c in changes):
        click.echo("Undo with: route uninstall --claude" + (" --project" if project else ""))
