"""`route uninstall`: take out exactly what `route install` put in."""

from __future__ import annotations

import sys

import click

from routing.edits.fileops import FileOpsError


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

    try:
        installer.check_home()
    except RuntimeError as e:
        raise click.ClickException(str(e)) from None
    only = claude or shell or codex
    parts = []
    if claude or not only:
        if project:
            from routing.claude import install as claude_install

            part = installer.Part("Claude Code (project)")
            try:
                part.changes += claude_install.uninstall(claude_install.target(project=True), dry_run=dry_run,
                                                          follow=follow_symlinks)
            except FileOpsError as e:
                part.error = str(e)
            parts.append(part)
        else:
            parts.append(installer.uninstall_claude(dry_run, follow_symlinks))
    if shell or not only:
        parts.append(installer.uninstall_shell(dry_run))
    if codex or not only:
        parts.append(installer.uninstall_codex(dry_run))
    if purge:
        parts.append(installer.purge(dry_run))
    for line in installer.report(parts, "dry-run" if dry_run else "done"):
        click.echo(line)
    sys.exit(1 if any(p.failed for p in parts) else 0)
