"""Find and read the usage that Claude Code and Codex record in their transcripts.

Claude Code writes one JSON object a line to `projects/<project>/<session>.jsonl`
(subagents: `projects/<project>/<session>/subagents/agent-*.jsonl`, which belong
to the parent session). Assistant lines carry `message.model` and
`message.usage`; a response written as several lines repeats its usage, so
entries are deduplicated the way ccusage 20.x does it (`routing.report.dedup`).
Codex writes `$CODEX_HOME/sessions/**/rollout-*.jsonl`, with the model in
`turn_context` lines and usage in `event_msg` lines of type `token_count`.

Reading never fails the report: a malformed line, a truncated last line (a
session still being written) or an unreadable file is skipped and counted.
This module finds the files and holds what both parsers share
(`routing.report.claude_log`, `routing.report.codex_log`); their entries are
`routing.report.records.Entry`, never prompt text (prompts are classified where
they are read, and only the tier leaves the parser).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, Optional

_blake2b: Any
try:
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - builds without the _blake2 module
    from hashlib import blake2b as _blake2b


def stable_key(*parts: str) -> int:
    """A 64-bit hash of dedup key parts, equal in every process and every run (the incremental
    cache keeps them); a collision among even millions of responses is vanishingly unlikely."""
    digest = _blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class SourceFile(NamedTuple):
    tool: str  # "claude" or "codex"
    path: str
    project: str
    session: str
    side: bool = False  # a subagent transcript (<session>/subagents/agent-*.jsonl)


class Parsed:
    """What a parse of some lines found: entries in file order, and the lines it had to skip."""

    __slots__ = ("entries", "bad")

    def __init__(self) -> None:
        self.entries: list = []
        self.bad = 0


def claude_roots() -> list[Path]:
    """`$CLAUDE_CONFIG_DIR` (comma-separated) else ~/.config/claude and ~/.claude, with a projects/ dir."""
    from routing.claude.home import transcript_roots

    dirs = [Path(d) for d in transcript_roots()]
    seen: set[str] = set()
    out = []
    for d in dirs:
        proj = d / "projects"
        try:
            key = str(proj.resolve())
        except OSError:
            continue
        if key not in seen and proj.is_dir():
            seen.add(key)
            out.append(proj)
    return out


def codex_root() -> Optional[Path]:
    from routing.codex.home import sessions_dir

    sessions = Path(sessions_dir())
    return sessions if sessions.is_dir() else None


def find_files(project: Optional[str] = None) -> list[SourceFile]:
    """Every transcript to read, with the project and session it belongs to."""
    found: list[SourceFile] = []
    for root in claude_roots():
        for dirpath, _dirs, files in os.walk(root):
            rel = os.path.relpath(dirpath, root)  # per directory, not per file: trees hold thousands
            dir_parts = () if rel == os.curdir else tuple(rel.split(os.sep))
            for name in files:
                if not name.endswith(".jsonl"):
                    continue
                full = os.path.join(dirpath, name)
                parts = dir_parts + (name,)
                if len(parts) < 2:
                    continue
                proj = parts[0]
                session = parts[1][: -len(".jsonl")] if len(parts) == 2 else parts[1]
                if project is not None and not _project_matches(project, proj):
                    continue
                found.append(SourceFile("claude", full, proj, session, len(parts) > 2))
    croot = codex_root()
    if croot is not None:
        for dirpath, _dirs, files in os.walk(croot):
            for name in files:
                if name.startswith("rollout-") and name.endswith(".jsonl"):
                    full = os.path.join(dirpath, name)
                    found.append(SourceFile("codex", full, "codex", name[len("rollout-"): -len(".jsonl")]))
    found.sort(key=lambda f: f.path)
    return found


def _project_matches(wanted: str, proj_dir: str) -> bool:
    """--project takes the directory name (`-home-dev-proj`), a path, or a path's last part."""
    if wanted == proj_dir:
        return True
    encoded = wanted.replace("/", "-").replace(".", "-").replace("_", "-")
    return encoded == proj_dir or proj_dir.endswith("-" + wanted.strip("/").replace("/", "-"))


_fromiso = datetime.fromisoformat


def parse_ts(value: Any) -> Optional[float]:
    """Epoch seconds of an ISO 8601 time with a zone (Claude Code's `...T10:00:00.000Z`), else None."""
    if value.__class__ is not str or not value:
        return None
    if value[-1] == "Z":
        value = value[:-1] + "+00:00"
    try:
        dt = _fromiso(value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        return None
    return dt.timestamp()


def to_int(v: Any) -> int:
    """A token count as recorded, or 0 for anything that is not a positive integer."""
    return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else 0
