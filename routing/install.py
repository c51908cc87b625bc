"""`route install` / `route uninstall`: run the install targets and print their plans.

Every integration provides one target (routing.edits.target): Claude Code,
the shell, Codex and Cursor. This module picks the targets, asks each for
its plan, prints the plans once, and applies them; the file logic lives in
each target's own package. Nothing is written before `apply`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from routing.core import paths
from routing.edits.plan import CREATED, MODIFIED, NO_CHANGE, REMOVED, Skipped, TreeRemoval
from routing.edits.target import Options, Plan, Target

NAMES = ("claude", "shell", "codex", "cursor")


def check_home() -> None:
    """Refuse early: with HOME missing, every path below would create a stray tree."""
    home = paths.home()
    if not home.is_dir():
        raise RuntimeError(f"HOME ({home}) does not exist; set HOME to your home directory and run again")


def target(name: str, project: bool = False) -> Target:
    if name == "claude":
        from routing.claude.install import ClaudeCode

        return ClaudeCode(project=project)
    if name == "shell":
        from routing.shell.setup import Shell

        return Shell()
    if name == "codex":
        from routing.codex.profiles import Codex

        return Codex()
    if name == "cursor":
        from routing.cursor.install import Cursor

        return Cursor()
    raise ValueError(f"unknown install target {name!r}")


def all_targets() -> list[Target]:
    """Every target, in install order; `route doctor` runs their checks in this order too."""
    return [target(n) for n in NAMES]


def select(only: set[str], without: set[str], project: bool = False, installing: bool = True) -> list[Target]:
    """The targets to run: those named (`--claude`), else those present, less `--no-X`.

    Uninstall looks everywhere modelroute writes, present or not (a tool removed
    since may have left our files), and skips Cursor, where nothing is written."""
    out = []
    for name in NAMES:
        if name in without or (only and name not in only):
            continue
        t = target(name, project)
        if only or t.present() or (not installing and name != "cursor"):
            out.append(t)
    return out


def plan_install(targets: list[Target], options: Options) -> list[Plan]:
    return [t.plan_install(options) for t in targets]


def plan_uninstall(targets: list[Target], options: Options) -> list[Plan]:
    return [t.plan_uninstall(options) for t in targets]


def apply(plans: list[Plan]) -> list[Plan]:
    return [p.apply() for p in plans]


# -- modelroute's own data -------------------------------------------------------------


def plan_data(purge: bool, others: Sequence[Plan] = ()) -> Plan:
    """What uninstall does with modelroute's own files.

    Caches, the state file's lock and the prompt's status cache are clutter
    once unwired: they go. The session counts and the error log (state dir)
    and the user's config are theirs: kept and listed, unless --purge. The
    package env (venv) is install.sh's to remove. Files the `others` plans
    already handle are left to them."""
    plan = Plan("modelroute data")
    state, config, cache, data = paths.state_dir(), paths.config_dir(), paths.cache_dir(), paths.data_dir()
    taken = {e.path for p in others for e in p.edits}
    if purge:
        found = [(state, "session counts and the error log"), (config, "your modelroute config"), (cache, "caches")]
        if data.is_dir():
            found += [(p, "modelroute data") for p in sorted(data.iterdir()) if p.name != "venv"]
        plan.edits += [TreeRemoval(p, what) for p, what in found if os.path.lexists(p) and p not in taken]
        return plan
    if os.path.lexists(cache):
        plan.edits.append(TreeRemoval(cache, "caches, rebuilt when needed"))
    names = _names(state)
    clutter = [n for n in names if n in _clutter() or n.startswith("prompt-mark.")]
    mine = [n for n in names if n not in clutter and n != "installed.json"]
    for n in clutter:
        # The last one takes the state dir with it, once nothing of the user's is left in it.
        plan.edits.append(TreeRemoval(state / n, "lock and status cache", [str(state)] if n == clutter[-1] else []))
    if mine:
        plan.skipped.append(Skipped(state, f"{', '.join(mine)}: your session counts and the error log; "
                                           "`route uninstall --purge` removes them"))
    if _names(config):
        plan.skipped.append(Skipped(config, "your modelroute config; `route uninstall --purge` removes it"))
    return plan


def _clutter() -> tuple[str, ...]:
    """In the state dir, once unwired: only there for the hooks and the shell prompt."""
    from routing.state import store

    return (store.LOCK_NAME, store.STATUS_NAME, "state.json.lock")  # the last: version 1's lock


def _names(d: Path) -> list[str]:
    try:
        return sorted(os.listdir(d))
    except OSError:
        return []


# -- the printer -------------------------------------------------------------------------

LABEL_WIDTH = max(len(s) for s in (CREATED, MODIFIED, REMOVED, NO_CHANGE, "FAILED", "KEPT"))


def _line(label: str, text: str) -> str:
    return f"  {label:<{LABEL_WIDTH}}  {text}"


def render(plans: list[Plan], installing: bool = True, diffs: bool = False) -> list[str]:
    """The plans, as the user sees them once: one labelled line per file, what each change means under it.

    With `diffs`, the unified diff of every change comes first (--dry-run)."""
    lines: list[str] = []
    if diffs:
        for plan in plans:
            lines += [e.diff().rstrip("\n") for e in plan.changes if e.diff()]
    for plan in plans:
        shown = [e for e in plan.edits if e.touches]
        if plan.changed or plan.skipped or plan.error or (plan.notes and not shown):
            lines.append(f"{plan.name}:")
            for e in shown:
                lines.append(_line(e.status, f"{e.path} ({e.what})"))
                if e.changed:
                    lines += [f"      - {d}" for d in e.details]
        else:
            lines.append(f"{plan.name}: {'already installed' if installing else 'not installed'}")
        for s in plan.skipped:
            lines.append(_line("FAILED" if s.failed else "KEPT", str(s)))
        if plan.error:
            lines.append(_line("FAILED", plan.error))
        lines += [f"  {n}" for n in plan.notes]
    return lines


def outcome(plans: list[Plan]) -> list[str]:
    """After apply: what could not be written, and one line of counts."""
    lines: list[str] = []
    counts = {CREATED: 0, MODIFIED: 0, REMOVED: 0}
    for plan in plans:
        for e in plan.changes[: plan.written]:
            counts[e.status] += 1
        if plan.error and plan.written < len(plan.changes):
            lines.append(f"{plan.name}: FAILED {plan.error}")
            lines += [f"  not written: {e.path}" for e in plan.changes[plan.written + 1:]]
    done = ", ".join(f"{n} {label.lower()}" for label, n in counts.items() if n)
    lines.append(f"done: {done or 'nothing changed'}")
    return lines


def failed(plans: list[Plan]) -> bool:
    return any(p.failed for p in plans)

