"""The `route` command line: wiring only.

Each command lives in its own module under routing/commands and is imported
only when it runs, so `route status` pays for nothing but itself.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: `route status` is a hot path, and typing costs ~3 ms
    from typing import Any, Optional, Sequence

# name -> module under routing.commands that defines `command`
COMMANDS = {
    "explain": "explain",
    "classify": "classify",
    "eval": "eval_cmd",
    "config": "config_cmd",
    "install": "install",
    "uninstall": "uninstall",
    "doctor": "doctor",
    "report": "report",
    "init": "init",
    "shell-session": "shell_session",
    "shell-call": "shell_call",
    "shell-hint": "shell_hint",
    "status": "status",
}

NET_TOOLS_HINT = "Looking for the kernel routing table? `route -n` still runs net-tools, or use `ip route`."


def main(argv: Optional[Sequence[str]] = None) -> Any:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["status"]:
        # The statusLine runs this after every Claude Code turn: skip click when we can.
        if args[1:] == ["--claude"]:
            from routing.claude import statusline

            sys.exit(statusline.run())
        from routing.state import status

        if status.fast_args(args[1:]):
            sys.exit(status.main(args[1:]))
    from routing.core import nettools

    if nettools.is_net_tools_call(args):
        sys.exit(nettools.run(args))
    if args[:1] == ["init"]:
        from routing.shell import init as shell_init

        if shell_init.fast_init(args[1:]):
            return 0
    if args[:1] == ["shell-hint"]:  # runs before the user's command: skip click
        from routing.shell import hint as shell_hint

        if shell_hint.fast_main(args[1:]):
            return 0
    if args[:1] == ["shell-call"]:  # runs before every wrapped agent: skip click
        from routing.shell import call as shell_call

        if shell_call.fast_main(args[1:]):
            return 0
    if args[:1] == ["report"]:  # a large history: skip click, and the teardown of the parse
        import gc

        from routing.report import run as report_run

        # One pass that makes no reference cycles worth collecting, then os._exit: the collector
        # would only walk the parse's records again and again (~20 ms at 1e5 lines).
        gc.disable()
        try:
            code = report_run.fast_main(args[1:])
        finally:
            gc.enable()
        if code is not None:
            if argv is not None:  # called in-process: the caller's interpreter carries on
                sys.exit(code)
            _exit_now(code)
    import importlib

    import click

    class LazyGroup(click.Group):
        def list_commands(self, ctx: click.Context) -> list[str]:
            return sorted(COMMANDS)

        def get_command(self, ctx: click.Context, name: str) -> Optional[click.Command]:
            mod = COMMANDS.get(name)
            if mod is None:
                return None
            return importlib.import_module(f"routing.commands.{mod}").command  # type: ignore[no-any-return]

    @click.group(
        cls=LazyGroup,
        invoke_without_command=True,
        context_settings={"help_option_names": ["-h", "--help"]},
        epilog=NET_TOOLS_HINT,
    )
    @click.version_option(package_name="modelroute", prog_name="modelroute")
    @click.pass_context
    def cli(ctx: click.Context) -> None:
        """modelroute: send each AI coding prompt to the cheapest model tier that does it well.

        \b
        Example:
            route explain "find where parse_config is defined"
        """
        if ctx.invoked_subcommand is None:
            click.echo(ctx.get_help())

    return cli.main(args=args, prog_name="route")


def _exit_now(code: int) -> None:
    """End the process without freeing every object a report built (~15 ms on a large history);
    the output is flushed and the report's child processes are done."""
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
