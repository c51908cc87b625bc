"""The prompt segment (`[opus↑2]`) added to the user's own prompt, when they say yes.

`route init` only *defines* $ROUTE_PROMPT; a custom PS1 never shows it. So
install offers to add it: for bash and zsh as lines inside modelroute's rc
block (after the user's own PS1 is set, so it prefixes theirs), for fish as a
fish_right_prompt in our conf.d file when the user has none. The marker line
lets a later install keep, refresh or take out exactly these lines. starship
draws the whole prompt itself, so its users get the starship.toml snippet to
paste instead.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Iterable, Optional

MARK = "# modelroute prompt segment"

_LINES = {
    "bash": (
        f"{MARK}: [tier↑escalations] before your prompt; `route install --no-prompt` takes it out\n"
        "case $PS1 in *ROUTE_PROMPT*) ;; *) PS1='${ROUTE_PROMPT:+[$ROUTE_PROMPT] }'\"$PS1\" ;; esac\n"
    ),
    "zsh": (
        f"{MARK}: tier↑escalations on the right; `route install --no-prompt` takes it out\n"
        "setopt prompt_subst\n"
        "case $RPROMPT in *ROUTE_PROMPT*) ;; *) RPROMPT='${ROUTE_PROMPT}'\"${RPROMPT:+ $RPROMPT}\" ;; esac\n"
    ),
    "fish": (
        f"{MARK}: tier↑escalations on the right, unless you have a right prompt of your own;\n"
        "# `route install --no-prompt` takes it out\n"
        "if not functions -q fish_right_prompt\n"
        "    function fish_right_prompt\n"
        "        __route_prompt\n"
        "    end\n"
        "end\n"
    ),
}

STARSHIP_SNIPPET = (
    "[custom.route]",
    "command = 'printf \"%s\" \"$ROUTE_PROMPT\"'",
    "when = '[ -n \"$ROUTE_PROMPT\" ]'",
    'shell = ["sh"]',
    'format = "[$output]($style) "',
    'style = "dimmed"',
)


def lines(shell: str) -> str:
    return _LINES[shell]


def present_in(text: Optional[str]) -> bool:
    """Our segment lines are in this rc block or conf.d file."""
    return bool(text) and MARK in (text or "")


def user_shows_it(texts: Iterable[Optional[str]]) -> bool:
    """The user already puts the segment in their prompt themselves (README's way)."""
    return any(t and re.search(r"ROUTE_PROMPT|__route_prompt", t) for t in texts)


def uses_starship(texts: Iterable[Optional[str]], home: Path) -> bool:
    return (any(t and "starship init" in t for t in texts) or (home / ".config" / "starship.toml").exists()
            or bool(os.environ.get("STARSHIP_SHELL")) or shutil.which("starship") is not None)


def starship_note() -> list[str]:
    return ["starship draws your prompt: to show the routed tier, add to ~/.config/starship.toml:",
            *(f"    {line}" for line in STARSHIP_SNIPPET)]
