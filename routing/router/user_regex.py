"""Regexes from config files, matched in linear time and within a time budget.

A repository's `.route.toml` is untrusted input, and its rules run on every
prompt. Python's `re` backtracks: `^(\\w+\\s?)*$` took over 30 s on a
68-character prompt. So patterns from config files are compiled with RE2
(google-re2, Google's own bindings), whose matching time is linear in the
text whatever the pattern; it refuses backreferences and lookaround, and
`route config check` names the rule it refused. RE2 is imported only when a
config layer has a regex: the built-in rules are ours, tested, and stay on `re`.

RE2's `\\w`, `\\d` and `\\b` are ASCII, unlike `re`'s. Each search also sees at
most MAX_TEXT characters and runs under the caller's Budget, so a rule set
at the caps still answers in milliseconds (see routing.router.guard).
"""

from __future__ import annotations

import time

MAX_PATTERN = 300  # characters in one pattern (routing.core.config caps how many)
MAX_TEXT = 20_000  # characters of the prompt a user pattern looks at


class Refused(ValueError):
    """A pattern that will not be run; the message says why."""


class OverBudget(Exception):
    """The classification ran past its time budget."""


class Budget:
    """A deadline shared by every user pattern of one classification (none: unlimited)."""

    deadline: float | None = None

    @classmethod
    def check(cls) -> None:
        if cls.deadline is not None and time.monotonic() > cls.deadline:
            raise OverBudget()


def _engine():
    try:
        import re2  # google-re2
    except ImportError:
        raise Refused("regex rules need the google-re2 package (pip install google-re2), which is missing") from None
    return re2


class UserPattern:
    """A config file's regex: case-insensitive, multi-line, linear-time, budgeted."""

    __slots__ = ("source", "_rx")

    def __init__(self, source: str) -> None:
        if not isinstance(source, str):
            raise Refused("a regex must be a string")
        if len(source) > MAX_PATTERN:
            raise Refused(f"regex longer than {MAX_PATTERN} characters")
        re2 = _engine()
        options = re2.Options()
        options.case_sensitive = False
        options.log_errors = False  # RE2 would print its parse errors on stderr
        options.max_mem = 8 << 20  # compiled-program memory: big repeats are refused, not built
        try:
            self._rx = re2.compile("(?m)" + source, options)
        except Exception as e:  # re2.error; also what RE2 does not support (\1, (?=...), (?<=...))
            raise Refused(f"regex {source!r} refused: {e} (lookaround and backreferences are not supported)") from None
        self.source = source

    def search(self, text: str):
        Budget.check()
        return self._rx.search(text[:MAX_TEXT])


def check(pattern: str) -> str | None:
    """Why `pattern` would be refused, or None when it is fine."""
    try:
        UserPattern(pattern)
    except Refused as e:
        return str(e)
    return None
