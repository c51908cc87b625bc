"""One module per CLI command; routing.cli wires them up lazily."""

from __future__ import annotations

from typing import Any, Optional

import click

from routing.core.config import Config, ConfigError, load


def load_config(cwd: Optional[str] = None) -> Config:
    """Load config strictly; a broken file is the user's to fix, so say exactly where."""
    try:
        return load(cwd, strict=True)
    except ConfigError as e:
        raise click.ClickException(str(e)) from None


def read_prompt(prompt: str) -> str:
    if prompt == "-":
        return click.get_text_stream("stdin").read()
    return prompt


def echo_changes(changes: "list[Any]", dry_run: bool = False) -> None:
    """Print what install/uninstall did: diffs first in a dry run, then one line per file."""
    if dry_run:
        for c in changes:
            if c.diff:
                click.echo(c.diff, nl=False)
    for c in changes:
        click.echo(str(c))
        for line in c.details:
            click.echo(f"  - {line}")
    if dry_run:
        click.echo("dry run: nothing was written")
