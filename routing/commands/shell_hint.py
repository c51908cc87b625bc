"""`route shell-hint -- LINE`: the pre-exec hint for a typed agent command.

Hidden: the shell's pre-exec hook calls it only for lines that start with
codex, claude or cursor-agent. Prints one dim line on stderr when another
tier fits the prompt better than the one that line will run on, and nothing
otherwise. It never fails loudly: the command is about to run regardless.
"""

from __future__ import annotations

import click


@click.command(hidden=True)
@click.argument("line")
def command(line: str) -> None:
    """Suggest a wrapper for LINE (a typed command line), or say nothing.

    \b
    Example:
        route shell-hint -- 'codex "where is parse_config defined?"'
    """
    try:
        text = hint(line)
    except Exception as e:
        from routing import errorlog

        errorlog.log("shell-hint", e)
        return
    if text:
        from routing.commands.shell_call import dim

        click.echo(dim(text), err=True)


def hint(line: str) -> str:
    from routing import shell_args
    from routing.config import load, rules_for
    from routing.tiers import tier_of_model

    words = shell_args.split_line(line)
    if not words:
        return ""
    tool = shell_args.TOOL_OF_BINARY.get(words[0])
    if tool is None or shell_args.picks_model(tool, words[1:]):
        return ""
    prompt = shell_args.prompt_of(tool, words[1:])
    if not prompt:
        return ""
    config = load(strict=False)
    if not config.get("shell", "hints"):
        return ""
    current = "sonnet"
    if tool == "claude":
        current = tier_of_model(str(config.get("claude", "default_model"))) or "sonnet"
    from routing.classify import classify
    from routing.decision import Context

    d = classify(prompt, Context(), rules_for(config))
    if d.kind != "task" or d.tier == current:
        return ""
    return shell_args.hint_text(tool, d.tier, d.intent)
