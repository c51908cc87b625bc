"""`route status`: the current (or last) session, for humans, as JSON, or as Claude Code's statusLine."""

from __future__ import annotations

import sys

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the session record as JSON.")
@click.option(
    "--claude",
    "as_claude",
    is_flag=True,
    help="Be Claude Code's statusLine command: read its JSON on stdin, record the live model, print one line.",
)
def command(as_json: bool, as_claude: bool) -> None:
    """Show the current or last session: model, routed tiers, escalations, cost.

    `route status` with no option, --json or --claude skips loading the CLI
    framework, so it is cheap enough for a status line.

    \b
    Example:
        route status
        route status --json
        echo '{"session_id":"s1","model":{"id":"claude-sonnet-5"}}' | route status --claude
    """
    if as_json and as_claude:
        raise click.UsageError("--json and --claude do not go together")
    if as_claude:
        from routing.claude import statusline

        sys.exit(statusline.run())
    from routing.state import status

    sys.exit(status.main(["--json"] if as_json else []))
