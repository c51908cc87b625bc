"""`route install`: wire modelroute into the tools on this machine."""

from __future__ import annotations

import os
import sys
from typing import Optional

import click

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
@click.option("--subagents", type=click.Choice(["routed", "haiku"]), default=None,
              help="Claude Code subagents. routed (default): each subagent runs on the tier its task needs. "
                   "haiku: CLAUDE_CODE_SUBAGENT_MODEL=haiku for every subagent (no per-task routing).")
@click.option("--mode", type=click.Choice(["smart", "simple"]), default=None, hidden=True,
              help="Old name of --subagents: smart = routed, simple = haiku.")
@click.option("--prompt/--no-prompt", default=None,
              help="Shell: show the routed tier and escalations in your prompt (bash PS1, zsh RPROMPT, "
                   "fish_right_prompt), or take that out. Asked at a terminal when not given.")
@click.option("--advisor", metavar="MODEL", default=None,
              help="Claude Code: set advisorModel (e.g. opus), so the main model can consult it without a "
                   "switch (its prompt cache stays). --advisor none takes modelroute's out again.")
@click.option("--dry-run", is_flag=True, help="Show a unified diff of every file it would change; write nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before writing (the default when stdin is not a terminal).")
@click.option("--follow-symlinks", is_flag=True, help="Edit the file a symlinked rc or settings file points to.")
def command(claude: bool, shell: bool, codex: bool, no_claude: bool, no_shell: bool, no_codex: bool,
            login_shell: Optional[str], project: bool, subagents: Optional[str], mode: Optional[str],
            prompt: Optional[bool], advisor: Optional[str], dry_run: bool, yes: bool, follow_symlinks: bool) -> None:
    """Wire modelroute into Claude Code, your shell and Codex; print Cursor's settings.

    With no target flag it wires everything it finds: Claude Code when
    ~/.claude or `claude` exists, your login shell (bash, zsh or fish), Codex
    when `codex` or ~/.codex exists. It shows the plan (CREATED, MODIFIED,
    REMOVED or NO CHANGE per file, and what each change means) and, at a
    terminal, asks before writing. Every edited file is backed up once
    (<file>.modelroute-backup) and written atomically; a second run changes
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
        route install --claude --subagents haiku
        route install --shell --login-shell zsh
    """
    from routing import install as installer
    from routing.commands.inputs import load_config
    from routing.edits.target import Options
    from routing.shell import detect

    try:
        installer.check_home()
    except RuntimeError as e:
        raise click.ClickException(str(e)) from None
    from routing.core.paths import PLAN_AS_VENV

    if os.environ.get(PLAN_AS_VENV) and not dry_run:
        raise click.ClickException(f"{PLAN_AS_VENV} is set: it is only for planning (--dry-run); unset it to install")
    if subagents is None:
        subagents = "haiku" if mode == "simple" else "routed"
    only = {n for n, on in (("claude", claude), ("shell", shell), ("codex", codex)) if on}
    without = {n for n, off in (("claude", no_claude), ("shell", no_shell), ("codex", no_codex)) if off}
    targets = installer.select(only, without, project=project)
    if not targets:
        click.echo("nothing to install: no Claude Code, shell or Codex selected")
        return
    wiring_shell = any(t.name == "shell" for t in targets)
    shell_name = login_shell or (detect.detect() if wiring_shell else None)
    options = Options(load_config(project=False), follow_symlinks, subagents, shell_name, prompt, advisor)
    plans = installer.plan_install(targets, options)
    asking = not yes and not dry_run and interactive()
    # Extras are offered along with a real change, not on every no-op run of an installed set-up.
    if asking and any(p.changed for p in plans) and _take_offers(plans, options):
        plans = installer.plan_install(targets, options)
    if dry_run:
        for line in installer.render(plans, diffs=True):
            click.echo(line)
        click.echo("dry run: nothing was written")
        sys.exit(1 if installer.failed(plans) else 0)
    for line in installer.render(plans):
        click.echo(line)
    if not any(p.changed for p in plans):
        sys.exit(1 if installer.failed(plans) else 0)
    if asking:
        if not click.confirm("Write these changes?", default=True):
            click.echo("nothing was written")
            sys.exit(1)
    installer.apply(plans)
    for line in installer.outcome(plans):
        click.echo(line)
    if any(p.written for p in plans):
        click.echo("Undo: route uninstall  (./install.sh --uninstall also removes the package)")
        if wiring_shell and shell_name:
            click.echo(f"Open a new {shell_name} to load the shell functions.")
    sys.exit(1 if installer.failed(plans) else 0)


def _take_offers(plans: list, options: object) -> bool:  # type: ignore[type-arg]
    """Ask about each target's optional extras (diff first); True when one was taken."""
    taken = False
    for plan in plans:
        for offer in plan.offers:
            click.echo(offer.diff.rstrip("\n"))
            if click.confirm(offer.question, default=False):
                setattr(options, offer.option, offer.value)
                taken = True
    return taken
