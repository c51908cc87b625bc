"""`route doctor`: is everything wired, and does it work? One line per check."""

from __future__ import annotations

import json
import sys

import click


@click.command(name="doctor")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as a JSON list.")
def command(as_json: bool) -> None:
    """Check hooks, shell init, state file, config and tools; exit 1 if any check fails.

    Each line is ok, warn or fail, with the fix for anything not ok.

    \b
    Example:
        route doctor
        route doctor --json | jq '.[] | select(.status != "ok")'
    """
    from routing import doctor

    checks = doctor.run_all()
    if as_json:
        click.echo(json.dumps([c.to_dict() for c in checks], indent=2))
    else:
        for c in checks:
            click.echo(c.line())
    sys.exit(1 if any(c.status == doctor.FAIL for c in checks) else 0)
