"""The install-target interface: what every integration (Claude Code, shell, Codex, Cursor) provides.

A target answers four questions: is its tool here (`present`), what would
installing or uninstalling change (`plan_install`, `plan_uninstall`), and how
does `route doctor` check it (`checks`). Plans are computed without writing
anything; `Plan.apply` is the only step that writes, so "show, ask, then
write" is the same for every target, and a dry run is simply a plan that is
never applied. routing.install sequences the targets and prints their plans.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Protocol

from routing.core.checks import Check
from routing.edits.fileops import FileOpsError
from routing.edits.plan import FileEdit, Skipped


class Options:
    """What the user asked for, handed to every target alike (each reads what concerns it)."""

    def __init__(self, config: Any = None, follow_symlinks: bool = False, subagents: str = "routed",
                 shell: Optional[str] = None, prompt: Optional[bool] = None, advisor: Optional[str] = None) -> None:
        self.config = config
        self.follow_symlinks = follow_symlinks
        self.subagents = subagents  # Claude Code: "routed" per task, or "haiku" for every subagent
        self.shell = shell  # the shell to wire; None when it is not one we support
        self.prompt = prompt  # the shell's prompt segment: add (True), take out (False), keep as is (None)
        self.advisor = advisor  # Claude Code's advisorModel: a model, "none" to take ours out, None to keep


class Offer:
    """Something extra a target proposes (the prompt segment): asked at a terminal, its diff shown first.

    A yes sets `option` to `value` on the Options, and the target is planned again."""

    def __init__(self, question: str, diff: str, option: str, value: Any = True) -> None:
        self.question, self.diff, self.option, self.value = question, diff, option, value


class Plan:
    """What one target will do, and after `apply`, what it did: the one result every target returns.

    `edits` are written in order; `skipped` are files left alone with the reason;
    `notes` are lines for the user; `error` is a refusal that stopped the target.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.edits: list[FileEdit] = []
        self.skipped: list[Skipped] = []
        self.notes: list[str] = []
        self.offers: list[Offer] = []
        self.error = ""
        self.applied = False
        self.written = 0  # edits applied; fewer than planned when a write failed

    @property
    def changes(self) -> list[FileEdit]:
        return [e for e in self.edits if e.changed]

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def failed(self) -> bool:
        return bool(self.error) or any(s.failed for s in self.skipped)

    def apply(self) -> "Plan":
        """Write the planned edits in order; the first failure stops this target (others go on)."""
        self.applied = True
        for edit in self.changes:
            try:
                edit.apply()
            except FileOpsError as e:
                self.error = str(e)
                break
            self.written += 1
        return self


class Target(Protocol):
    """One integration's install target. Implementations live in their own package."""

    name: str

    def present(self) -> bool:
        """Is the tool installed or used on this machine (so a plain `route install` wires it)?"""
        ...

    def plan_install(self, options: Options) -> Plan:
        ...

    def plan_uninstall(self, options: Options) -> Plan:
        ...

    def checks(self) -> list[tuple[str, Callable[[], Check]]]:
        """`route doctor`'s checks of this target: (name, check) pairs."""
        ...


def guarded(name: str, make: Callable[[], Plan]) -> Plan:
    """`make()`'s plan; a refusal while planning (a file that does not parse, a read-only
    dir) becomes the error of an empty plan, so the other targets still go ahead."""
    try:
        return make()
    except (FileOpsError, RuntimeError, ValueError) as e:
        plan = Plan(name)
        plan.error = str(e)
        return plan
