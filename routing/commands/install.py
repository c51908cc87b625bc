"""`route install`: wire modelroute into the tools on this machine."""

from __future__ import annotations

import sys
from typing import Optional

import click

from routing.edits.fileops import FileOpsError

SHELLS = ("bash", "zsh", "fish")


def interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


@click.command()
@click.option("--claude", "claude", is_flag=True, help="Only Claude Code: hooks, statusLine, model and Explore agent in its settings.")
@click.option("--shell", "shell", is_flag=True, help="Only the shell: an rc-file block (fish: conf.d file) loading the wrappers.")
@click.option("--codex", "codex", is_flag=True, help="Only Codex: the quick and deep profiles in $CODEX_HOME.")
@click.option("--no-claude", is_flag=True, help="Leave Claude Code alone.")
@click.option("--no-shell", is_flag=True, help="Leave the shell's rc files alone.")
@click.option("--no-codex", is_flag=True, help="Leave Codex alone.")
@click.option("--login-shell", type=click.Choice(SHELLS), help="Wire this shell instead of the detected one.")
@click.option("--project", is_flag=True, help="Claude Code: write .claude/settings.json in the current repository instead of the user settings.")
@click.option("--mode", type=click.Choice(["smart", "simple"]), default="smart", show_default=True,
              help="smart: route each subagent task. simple: CLAUDE_CODE_SUBAGENT_MODEL=haiku for every subagent "
                   "(disables per-task routing).")
@click.option("--dry-run", is_flag=True, help="Show a unified diff of every file it would change; write nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before writing (the default when stdin is not a terminal).")
@click.option("--follow-symlinks", is_flag=True, help="Edit the file a symlinked rc or settings file points to.")
def command(claude: bool, shell: bool, codex: bool, no_claude: bool, no_shell: bool, no_codex: bool,
            login_shell: Optional[str], project: bool, mode: str, dry_run: bool, yes: bool,
            follow_symlinks: bool) -> None:
    """Wire modelroute into Claude Code, your shell and Codex; print Cursor's settings.

    With no target flag it wires everything it finds: Claude Code when
    ~/.claude or `claude` exists, your login shell (bash, zsh or fish), Codex
    when `codex` or ~/.codex exists. Every file is backed up once
    (<file>.modelroute-backup), written atomically, and a second run changes
    nothing. `route uninstall` takes it all out again.

    \b
    Claude Code: $CLAUDE_CONFIG_DIR/settings.json, else ~/.claude/settings.json;
      unknown keys and foreign hooks are kept. With --project the hook commands
      hold this machine's paths: prefer keeping them out of version control.
    Shell: a marked block in ~/.bashrc or ${ZDOTDIR:-~}/.zshrc that sources
      $XDG_DATA_HOME/modelroute/init.SHELL (rendered now: no Python at shell
      start; run `route install` again after changing models in the config);
      fish: ~/.config/fish/conf.d/modelroute.fish.
    Codex: $CODEX_HOME/quick.config.toml and deep.config.toml; config.toml is
      never touched.

    \b
    Example:
        route install --dry-run
        route install --yes
        route install --claude --mode simple
        route install --shell --login-shell zsh
    """
    from routing import install as installer
    from routing.claude import home as claude_home
    from routing.codex import home as codex_home
    from routing.commands.inputs import load_config
    from routing.shell import detect

    try:
        installer.check_home()
    except RuntimeError as e:
        raise click.ClickException(str(e)) from None
    config = load_config()
    only = claude or shell or codex
    want_claude = (claude or (not only and claude_home.present())) and not no_claude
    want_shell = (shell or not only) and not no_shell
    want_codex = (codex or (not only and codex_home.present())) and not no_codex
    shell_name = login_shell or (detect.detect() if want_shell else None)

    def run(preview: bool) -> list[installer.Part]:
        parts = []
        if want_claude:
            if project:
                parts.append(_project_claude(mode, preview, follow_symlinks))
            else:
                parts.append(installer.install_claude(preview, mode, follow_symlinks))
        if want_shell:
            parts.append(installer.install_shell(shell_name, preview, follow_symlinks))
        if want_codex:
            parts.append(installer.install_codex(config, preview))
        if not only and installer.cursor_present():
            parts.append(installer.cursor_advice(config))
        return parts

    plan = run(True)
    if not plan:
        click.echo("nothing to install: no Claude Code, shell or Codex selected")
        return
    changing = any(p.changed for p in plan)
    if dry_run or not changing:
        for line in installer.report(plan, "dry-run" if dry_run else "done"):
            click.echo(line)
        sys.exit(1 if any(p.failed for p in plan) else 0)
    if not yes and interactive():
        click.echo("route install will:")
        for line in installer.report(plan, "plan"):
            click.echo(line)
        if not click.confirm("Go ahead?", default=True):
            click.echo("nothing was written")
            sys.exit(1)
    done = run(False)
    for line in installer.report(done, "done"):
        click.echo(line)
    if any(p.changed for p in done):
        click.echo("Undo: route uninstall  (./install.sh --uninstall also removes the package)")
        if want_shell and shell_name:
            click.echo(f"Open a new {shell_name} to load the shell functions.")
    sys.exit(1 if any(p.failed for p in done) else 0)


def _project_claude(mode: str, dry_run: bool, follow: bool):  # type: ignore[no-untyped-def]
    from routing import install as installer
    from routing.claude import install as claude_install

    part = installer.Part("Claude Code (project)")
    try:
        part.changes += claude_install.install(claude_install.target(project=True), mode=mode, dry_run=dry_run,
                                                follow=follow)
    except FileOpsError as e:
        part.error = str(e)
    return part
