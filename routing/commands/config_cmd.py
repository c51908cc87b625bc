"""`route config show|path|check`."""

from __future__ import annotations

import json
import os

import click

from routing.commands.inputs import load_config
from routing.core import config as cfg


@click.group(name="config")
def command() -> None:
    """Inspect modelroute's layered configuration.

    \b
    Example:
        route config check
    """


@command.command()
def path() -> None:
    """Print each config file in load order, and whether it exists.

    \b
    Example:
        route config path
    """
    for p in cfg.layer_paths():
        click.echo(f"{p}\t{'exists' if os.path.isfile(p) else 'absent'}")


@command.command()
def show() -> None:
    """Print the merged settings as JSON.

    \b
    Example:
        route config show | jq .models
    """
    click.echo(json.dumps(load_config().data, indent=2))


@command.command()
def check() -> None:
    """Validate every config file and its rules; exit 1 with the file and line on error.

    \b
    Example:
        route config check && echo ok
    """
    conf = load_config()
    from routing.router.rules import compile_rules

    try:
        compile_rules(conf.rule_layers())
    except (ValueError, KeyError, TypeError) as e:
        raise click.ClickException(f"rules: {e}") from None
    for p, _ in conf.layers:
        click.echo(f"ok: {p}")
    if not conf.layers:
        click.echo("ok: no config files; using the built-in defaults")
