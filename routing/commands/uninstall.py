"""`route uninstall`: take out exactly what `route install` put in."""

from __future__ import annotations

import sys

import click


@click.command()
@click.option("--claude", "claude", is_flag=True, help="Only Claude Code: our settings entries and the Explore agent.")
@click.option("--shell", "shell", is_flag=True, help="Only the shell: the rc blocks, generated init files, fish conf.d file.")
@click.option("--codex", "codex", is_flag=True, help="Only Codex: our quick and deep profiles.")
@click.option("--project", is_flag=True, help="Claude Code: clean .claude/settings.json in the current repository instead.")
@click.option("--purge", is_flag=True, help="Also delete modelroute's state, config and cache (your session counts and settings).")
@click.option("--dry-run", is_flag=True, help="Show a unified diff of every file it would change; write nothing.")
@click.option("--yes", "-y", is_flag=True, help="Accepted for symmetry with install; uninstall never asks.")
@click.option("--follow-symlinks", is_flag=True, help="Edit the file a symlinked settings.json points to.")
def command(claude: bool, shell: bool, codex: bool, project: bool, purge: bool, dry_run: bool, yes: bool,
            follow_symlinks: bool) -> None:
    """Remove modelroute from Claude Code, your shell and Codex.

    Only what modelroute added is removed: foreign hooks, your statusLine, any
    model you chose, and files that are not ours or that you edited stay
    (and are listed). A file nobody else changed comes back byte-identical;
    one modelroute created is deleted. The package itself stays: remove it
    with `./install.sh --uninstall` or `pipx uninstall modelroute`.

    \b
    Example:
        route uninstall --dry-run
        route uninstall
        route uninstall --purge
        route uninstall --claude --project
    """
    from routing import install as installer
    from routing.edits.target import Options

    try:
        installer.check_home()
    except RuntimeError as e:
        raise click.ClickException(str(e)) from None
    only = {n for n, on in (("claude", claude), ("shell", shell), ("codex", codex)) if on}
    targets = installer.select(only, set(), project=project, installing=False)
    plans = installer.plan_uninstall(targets, Options(follow_symlinks=follow_symlinks))
    if purge or not only:
        data = installer.plan_data(purge, plans)
        if data.edits or data.skipped:
            plans.append(data)
    for line in installer.render(plans, installing=False, diffs=dry_run):
        click.echo(line)
    if dry_run:
        click.echo("dry run: nothing was written")
    elif any(p.changed for p in plans):
        installer.apply(plans)
        for line in installer.outcome(plans):
            click.echo(line)
    sys.exit(1 if installer.failed(plans) else 0)
