"""The marked block modelroute adds to a bash or zsh rc file, and the rc files it goes in.

    # >>> modelroute >>>
    # Added by `route install`; `route uninstall` removes this block.
    if [ -f "$HOME/.local/share/modelroute/init.bash" ]; then . "$HOME/.local/share/modelroute/init.bash"; fi
    # <<< modelroute <<<

The block only sources a file that `route install` rendered from `route init
SHELL`, so opening a shell runs no Python. A block already there is replaced
in place (the user may have moved it); adding and removing are exact
inverses, so an rc file nobody else touched comes back byte for byte.
Fish needs no block: it reads every file in conf.d (see routing.shell.setup).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Optional

BEGIN = "# >>> modelroute >>>"
END = "# <<< modelroute <<<"
NOTE = "# Added by `route install`; `route uninstall` removes this block."


class RcFileError(ValueError):
    """An rc file whose markers we cannot make sense of; the message names file and line."""


def sh_path(path: Path, home: Path) -> str:
    """`path` as a double-quoted sh word, written relative to $HOME when it is inside it.

    "$HOME/..." keeps the line right in dotfiles synced to other machines.
    """
    p = str(path)
    prefix = "$HOME"
    try:
        rel = Path(path).relative_to(home)
        p = str(rel)
    except ValueError:
        prefix = ""
    for ch in ("\\", '"', "$", "`"):
        p = p.replace(ch, "\\" + ch)
    return f'"{prefix}/{p}"' if prefix else f'"{p}"'


def render_block(init_file: Path, home: Path, extra: str = "") -> str:
    """The block; `extra` lines (the prompt segment) go after the source line, inside the markers."""
    q = sh_path(init_file, home)
    return f"{BEGIN}\n{NOTE}\nif [ -f {q} ]; then . {q}; fi\n{extra}{END}\n"


def find_blocks(text: str, name: str = "rc file") -> list[tuple[int, int]]:
    """(start, end) character offsets of each marked block, end past the END line's newline."""
    blocks: list[tuple[int, int]] = []
    start: Optional[int] = None
    start_line = 0
    pos = 0
    for lineno, line in enumerate(text.splitlines(True), 1):
        stripped = line.strip()
        if stripped == BEGIN:
            if start is not None:
                raise RcFileError(
                    f"{name}, line {lineno}: a second '{BEGIN}' before the '{END}' of line {start_line}'s block; "
                    "fix the markers by hand, then run the command again"
                )
            start, start_line = pos, lineno
        elif stripped == END:
            if start is None:
                raise RcFileError(
                    f"{name}, line {lineno}: '{END}' without a '{BEGIN}' above it; "
                    "fix the markers by hand, then run the command again"
                )
            blocks.append((start, pos + len(line)))
            start = None
        pos += len(line)
    if start is not None:
        raise RcFileError(
            f"{name}, line {start_line}: '{BEGIN}' has no '{END}' after it; "
            "fix the markers by hand, then run the command again"
        )
    return blocks


def add_block(text: str, block: str, name: str = "rc file") -> str:
    """`text` with `block` in it: replacing the first existing block in place, else appended.

    Appending puts one newline before the block, which remove_blocks takes
    away again, so add then remove restores `text` exactly.
    """
    blocks = find_blocks(text, name)
    if not blocks:
        return text + "\n" + block if text else block
    (s, e), extra = blocks[0], len(blocks) > 1
    old = text[s:e]
    new = block if old.endswith("\n") else block.rstrip("\n")
    # Later duplicates (an rc file assembled from copies) are dropped: one block is enough.
    rest = remove_blocks(text[e:], name) if extra else text[e:]
    return text[:s] + new + rest


def remove_blocks(text: str, name: str = "rc file") -> str:
    """`text` without our blocks, each taking the newline add_block put before it."""
    for s, e in reversed(find_blocks(text, name)):
        # The newline before the block is add_block's when it makes a blank
        # line, or when the block ends the file ("abc" became "abc\n<block>").
        if s > 0 and text[s - 1] == "\n" and (s == 1 or text[s - 2] == "\n" or e == len(text)):
            s -= 1
        text = text[:s] + text[e:]
    return text


def has_block(text: Optional[str]) -> bool:
    return bool(text) and any(line.strip() == BEGIN for line in (text or "").splitlines())


def rc_files(shell: str, home: Path, environ: Mapping[str, str], platform: str) -> list[Path]:
    """The rc files a `shell` user's interactive shells read, in which the block goes.

    bash: ~/.bashrc; on macOS also ~/.bash_profile, since Terminal starts login
    shells, which read only that. zsh: ${ZDOTDIR:-~}/.zshrc.
    """
    if shell == "bash":
        files = [home / ".bashrc"]
        if platform == "darwin":
            files.append(home / ".bash_profile")
        return files
    if shell == "zsh":
        zdot = environ.get("ZDOTDIR") or ""
        return [(Path(zdot) if os.path.isabs(zdot) else home) / ".zshrc"]
    raise ValueError(f"no rc file for {shell}")


def bash_login_note(home: Path) -> Optional[str]:
    """A note when login bash shells would miss ~/.bashrc (they read only the first profile file)."""
    for name in (".bash_profile", ".bash_login", ".profile"):
        p = home / name
        if p.exists():
            try:
                text = p.read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
            if ".bashrc" in text or has_block(text):
                return None
            return (
                f"login bash shells read {p}, which does not source ~/.bashrc; "
                f"add '[ -f ~/.bashrc ] && . ~/.bashrc' to it to get modelroute there too"
            )
    return None
