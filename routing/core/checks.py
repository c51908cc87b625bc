"""One verdict of `route doctor`: a check's name, ok/warn/fail, what it saw, and the fix.

Each concern (routing.claude.checks, routing.shell.checks, routing.state.checks)
defines its checks as functions returning a Check; routing.doctor runs them all.
A check never raises: a doctor that crashes on the broken set-up it is meant
to diagnose is no use, so `run` turns an exception into a failed check.
"""

from __future__ import annotations

from typing import Callable, Iterable

OK, WARN, FAIL = "ok", "warn", "fail"


class Check:
    __slots__ = ("name", "status", "detail", "fix")

    def __init__(self, name: str, status: str, detail: str, fix: str = "") -> None:
        self.name, self.status, self.detail, self.fix = name, status, detail, fix

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "detail": self.detail, "fix": self.fix}

    def line(self) -> str:
        text = f"{self.status:<4}  {self.name}: {self.detail}"
        return text + (f"  -> fix: {self.fix}" if self.fix and self.status != OK else "")


def run(named: Iterable[tuple[str, Callable[[], Check]]]) -> list[Check]:
    out = []
    for name, fn in named:
        try:
            out.append(fn())
        except Exception as e:  # a doctor must report, not crash
            out.append(Check(name, FAIL, f"the check itself failed: {e!r}", "report this at the modelroute issue tracker"))
    return out
