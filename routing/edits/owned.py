"""Files modelroute writes whole (Codex profiles, the fish conf.d file): marked and fingerprinted.

The first line names modelroute and carries a hash of the rest of the file.
That lets install refresh a file that is ours and untouched, and lets
uninstall remove exactly that, while a file the user has since edited (hash
mismatch) or one that was never ours (no marker) is left alone and reported.
"""

from __future__ import annotations

import hashlib
import re

MARK = "modelroute-generated"
OURS, EDITED, FOREIGN = "ours", "edited", "foreign"

_HEADER = re.compile(r"^(?:#|//) " + MARK + r" sha256:([0-9a-f]{16})\b[^\n]*\n")


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def render(body: str, note: str = "written by `route install`; `route uninstall` removes it") -> str:
    """`body` with our marker line on top (a `#` comment: TOML, fish and sh all accept it)."""
    return f"# {MARK} sha256:{_digest(body)} {note}\n{body}"


def ownership(text: str) -> str:
    """OURS (marker, body unchanged), EDITED (marker, body changed) or FOREIGN (no marker)."""
    m = _HEADER.match(text)
    if m is None:
        return FOREIGN
    return OURS if _digest(text[m.end():]) == m.group(1) else EDITED
