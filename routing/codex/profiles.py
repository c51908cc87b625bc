"""Codex CLI profiles `quick` and `deep`: `$CODEX_HOME/quick.config.toml` and `deep.config.toml`.

Codex 0.169 reads a profile from its own file (`codex --profile deep` loads
`$CODEX_HOME/deep.config.toml`; a `[profiles.deep]` table in config.toml is an
error), so the user's own config.toml is never touched. Each file carries
routing.edits.owned' marker: uninstall removes a profile only when it is ours
and unchanged, and install never overwrites a file that is not ours.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

from routing.codex import home
from routing.core.checks import Check
from routing.edits import owned as owned_files
from routing.edits.fileops import FileOpsError, read_text
from routing.edits.plan import KEEP, FileEdit, Skipped, created_record, dirs_made_for
from routing.edits.target import Options, Plan, guarded

PROFILES = ("quick", "deep")


def codex_home(environ: Optional[Mapping[str, str]] = None) -> Path:
    return Path(home.codex_home(environ))




def _toml_str(s: str) -> str:
    return json.dumps(s)  # a JSON string is a valid TOML basic string


def render(name: str, config: Any) -> str:
    """The profile file's text: models from config models.codex.*, deep effort codex.deep_effort."""
    if name == "quick":
        body = (
            "# Cheap and fast, for lookups: `codex --profile quick` (or codex-quick).\n"
            f"model = {_toml_str(config.model_for('codex', 'haiku'))}\n"
        )
    elif name == "deep":
        body = (
            "# Strongest model, thinking hard: `codex --profile deep` (or codex-deep).\n"
            f"model = {_toml_str(config.model_for('codex', 'opus'))}\n"
            f"model_reasoning_effort = {_toml_str(str(config.get('codex', 'deep_effort')))}\n"
        )
    else:
        raise ValueError(f"unknown Codex profile {name!r}")
    return owned_files.render(body)


def profile_path(name: str, home: Optional[Path] = None) -> Path:
    return (home or codex_home()) / f"{name}.config.toml"


def _read_profiles(home: Optional[Path], skipped: list[Skipped]) -> list[tuple[str, Path, Optional[str]]]:
    """Each profile's name, path and current text (None: absent); unreadable ones go to `skipped`."""
    found = []
    for name in PROFILES:
        path = profile_path(name, home)
        try:
            found.append((name, path, read_text(path)))
        except FileOpsError as e:
            skipped.append(Skipped(path, str(e)))
    return found


def plan_install(config: Any, home: Optional[Path] = None) -> Plan:
    plan = Plan("Codex")
    edits, skipped = plan.edits, plan.skipped
    for name, path, old in _read_profiles(home, skipped):
        new = render(name, config)
        if old is not None and old != new:
            state = owned_files.ownership(old)
            if state == owned_files.FOREIGN:
                skipped.append(Skipped(path, "exists and is not modelroute's; left alone (move it away to let route install write it)"))
                continue
            if state == owned_files.EDITED:
                skipped.append(Skipped(path, "was edited since modelroute wrote it; left alone (delete it to get a fresh one)"))
                continue
        edits.append(FileEdit(path, old, new, f"Codex profile {name}", mode=0o644, backup=False,
                              record=created_record(path) if old is None else KEEP))
    if plan.changed:
        plan.notes.append("use them with `codex --profile quick` / `codex --profile deep` (or codex-quick, codex-deep)")
    return plan


def plan_uninstall(home: Optional[Path] = None) -> Plan:
    plan = Plan("Codex")
    edits, skipped = plan.edits, plan.skipped
    for name, path, old in _read_profiles(home, skipped):
        if old is None:
            continue
        state = owned_files.ownership(old)
        if state == owned_files.OURS:
            edits.append(FileEdit(path, old, None, f"Codex profile {name}", record=None,
                                  remove_dirs=dirs_made_for(path)))
        elif state == owned_files.EDITED:
            skipped.append(Skipped(path, "edited since modelroute wrote it; delete it by hand if you no longer want it"))
    return plan


class Codex:
    """The install target (routing.edits.target): the quick and deep profiles."""

    name = "Codex"

    def present(self) -> bool:
        return home.present()

    def plan_install(self, options: Options) -> Plan:
        return guarded(self.name, lambda: plan_install(options.config))

    def plan_uninstall(self, options: Options) -> Plan:
        return guarded(self.name, plan_uninstall)

    def checks(self) -> list[tuple[str, Callable[[], Check]]]:
        return []  # `route doctor`'s tools check covers the codex binary; the profiles need nothing more

