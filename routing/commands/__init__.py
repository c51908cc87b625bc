"""One module per CLI command; routing.cli wires them up lazily."""

from __future__ import annotations

from typing import Optional

import click

from routing.config import Config, ConfigError, load


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
