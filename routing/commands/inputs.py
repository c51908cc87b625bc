"""What every command reads the same way: the config (strictly) and a prompt argument."""

from __future__ import annotations

from typing import Optional

import click

from routing.core.config import Config, ConfigError


def load_strict(cwd: Optional[str] = None, project: bool = True) -> Config:
    """The config with every layer validated, report prices included; ConfigError on a mistake."""
    from routing.report.pricing import load_checked

    return load_checked(cwd, project)


def load_config(cwd: Optional[str] = None, project: bool = True) -> Config:
    """Load config strictly; a broken file is the user's to fix, so say exactly where.

    `project=False` for what is written outside the repository (shell wrappers,
    Codex profiles, Claude Code's user settings): a repository has no say there.
    """
    try:
        return load_strict(cwd, project)
    except ConfigError as e:
        raise click.ClickException(str(e)) from None


def read_prompt(prompt: str) -> str:
    if prompt == "-":
        return click.get_text_stream("stdin").read()
    return prompt
