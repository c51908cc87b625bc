"""What `route install` added to each file it edited, so uninstall removes exactly that.

File: `$XDG_STATE_HOME/modelroute/installed.json` (0600, dir 0700), version 1:
    {"version": 1, "files": {"<absolute path>": {"created": true, "added": ["model", ...]}}}
`created` says the file did not exist before we wrote it; `added` lists the
settings keys (dotted paths) we introduced; `dirs` the directories created
for it. When the last entry goes, so does this file (and the directories
made for it, if nothing else is in them). Deleting this file is safe:
uninstall then falls back to what it can infer (our `modelroute` markers and
the `.modelroute-backup` copy), and keeps anything it cannot attribute to us.
"""

from __future__ import annotations

import json
import os
from typing import Any

from routing.core import paths
from routing.edits import fileops

VERSION = 1


def record_file() -> "os.PathLike[str]":
    return paths.state_dir() / "installed.json"


def _load() -> dict[str, Any]:
    try:
        with open(record_file(), encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return {"version": VERSION, "files": {}}
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), dict):
        return {"version": VERSION, "files": {}}
    return doc


def get(path: "os.PathLike[str] | str") -> dict[str, Any] | None:
    entry = _load()["files"].get(os.path.abspath(path))
    return entry if isinstance(entry, dict) else None


def put(path: "os.PathLike[str] | str", entry: dict[str, Any] | None) -> None:
    """Store (or with None, forget) the entry for `path`."""
    doc = _load()
    key = os.path.abspath(path)
    if entry is None:
        if key not in doc["files"]:
            return
        doc["files"].pop(key)
    else:
        if doc["files"].get(key) == entry:
            return
        doc["files"][key] = entry
    target = paths.state_dir()
    if not doc["files"]:
        # Nothing of ours is left anywhere: a record of nothing is just clutter.
        try:
            os.unlink(record_file())
            for d in doc.get("dirs") or [str(target)]:
                os.rmdir(d)  # only while empty: the state file and the log stay
        except OSError:
            pass
        return
    if not target.is_dir():
        made, d = [], target
        while not d.exists() and d != d.parent:
            made.append(str(d))
            d = d.parent
        doc["dirs"] = made
    try:
        paths.make_dirs(str(target.parent))
        paths.private_dir(str(target))
    except OSError as e:
        raise fileops.FileOpsError(f"cannot create {target}: {e.strerror or e}") from None
    fileops.atomic_write(record_file(), json.dumps(doc, indent=2, sort_keys=True) + "\n", mode=0o600)
