"""Cursor's install target: nothing to write, the per-feature models to pick in its settings.

Cursor stores its model choices in its own state, not in a file meant for
other programs to edit, so modelroute prints them and touches nothing.
"""

from __future__ import annotations

import os
import shutil
from typing import Callable

from routing.core import paths
from routing.core.checks import Check
from routing.edits.target import Options, Plan

FEATURES = (("Chat / Composer", "sonnet"), ("Inline Edit (Cmd/Ctrl-K)", "haiku"), ("Agent", "sonnet"))
_DIRS = (".cursor", ".config/Cursor", "Library/Application Support/Cursor")


class Cursor:
    name = "Cursor"

    def present(self) -> bool:
        home = paths.home_str()
        return (shutil.which("cursor-agent") is not None or shutil.which("cursor") is not None
                or any(os.path.isdir(os.path.join(home, d)) for d in _DIRS))

    def plan_install(self, options: Options) -> Plan:
        plan = Plan(self.name)
        plan.notes.append("Cursor keeps per-feature models in its settings UI (Settings > Models); pick:")
        for feature, tier in FEATURES:
            plan.notes.append(f"  {feature:<26} {options.config.model_for('cursor', tier)}  ({tier} tier)")
        return plan

    def plan_uninstall(self, options: Options) -> Plan:
        plan = Plan(self.name)
        plan.notes.append("modelroute wrote nothing for Cursor: its models stay as you picked them")
        return plan

    def checks(self) -> list[tuple[str, Callable[[], Check]]]:
        return []
