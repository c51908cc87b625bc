"""Where Claude Code keeps its files: the one place every part of modelroute asks.

Claude Code reads `$CLAUDE_CONFIG_DIR` (one directory) and falls back to
`~/.claude`. The value is expanded (`~`) and made absolute here, so install,
the hooks and the exit-time reset all read the same settings.json. Strings,
not Paths: the hooks import this, and pathlib costs them start-up time.
"""

from __future__ import annotations

import os

from routing.core import paths

CONFIG_DIR_VAR = "CLAUDE_CONFIG_DIR"


def _expand(value: str) -> str:
    if value.startswith("~"):
        value = paths.home_str() + value[1:] if value[:2] in ("~", "~/") else os.path.expanduser(value)
    return os.path.abspath(value)


def claude_dir() -> str:
    """Claude Code's user directory: `$CLAUDE_CONFIG_DIR`, else `~/.claude`."""
    custom = os.environ.get(CONFIG_DIR_VAR, "").strip()
    return _expand(custom) if custom else os.path.join(paths.home_str(), ".claude")


def user_settings() -> str:
    return os.path.join(claude_dir(), "settings.json")


def agent_dirs(cwd: str | None) -> list[str]:
    """Where agent files (`NAME.md`) are looked up, the project's first."""
    dirs = [os.path.join(cwd, ".claude", "agents")] if cwd else []
    dirs.append(os.path.join(claude_dir(), "agents"))
    return dirs


def transcript_roots() -> list[str]:
    """Directories whose `projects/` hold transcripts.

    `$CLAUDE_CONFIG_DIR` may list several, comma-separated (the convention
    ccusage set for reports over many installs); without it, Claude Code's
    current `~/.config/claude` and its older `~/.claude`."""
    custom = os.environ.get(CONFIG_DIR_VAR, "").strip()
    if custom:
        return [_expand(p.strip()) for p in custom.split(",") if p.strip()]
    home = paths.home_str()
    return [os.path.join(home, ".config", "claude"), os.path.join(home, ".claude")]


def present() -> bool:
    """Claude Code is installed (on PATH) or has been used (its home exists)."""
    import shutil

    return shutil.which("claude") is not None or os.path.isdir(claude_dir())
