"""`route status`: the current (or last) session, for humans, as JSON, or as Claude Code's statusLine."""

from __future__ import annotations

import sys

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the session record as JSON.")
@click.option("--session", "session_id", metavar="ID", help="Show this session instead of the last one.")
@click.option(
    "--claude",
    "as_claude",
    is_flag=True,
    help="Be Claude Code's statusLine command: read its JSON on stdin, record the live model, print one line.",
)
def command(as_json: bool, session_id: str | None, as_claude: bool) -> None:
    """Show the current or last session: model, routed tiers, escalations, cost.

    `route status` with no option, --json, --session or --claude skips loading
    the CLI framework, so it is cheap enough for a status line. `--session ID
    --json` prints that session's record whatever the store's file format
    (exit 1 when no such session is recorded), for scripts and tests.

    \b
    Example:
        route status
        route status --json
        route status --session 8c1f... --json
        echo '{"session_id":"s1","model":{"id":"claude-sonnet-5"}}' | route status --claude
    """
    if as_claude and (as_json or session_id is not None):
        raise click.UsageError("--claude takes no other option: it reads the session from stdin")
    if session_id == "":
        raise click.UsageError("--session needs a session id")
    if as_claude:
        from routing.claude import statusline

        sys.exit(statusline.run())
    from routing.state import status

    args = (["--json"] if as_json else []) + (["--session", session_id] if session_id is not None else [])
    sys.exit(status.main(args))
