"""Separate what a prompt asks from what it pastes.

A prompt that carries a 300-line stack trace is usually a short question with
a large attachment. The router must weigh the question, so pasted material
(code, logs, diffs, traces) is set aside and only summarised by its kind.
Work is bounded: at most HEAD + TAIL characters are ever looked at, so a
multi-megabyte prompt costs the same as a long one.
"""

from __future__ import annotations

import re

from routing.router.rules import LazyPattern

HEAD = 12_000
TAIL = 2_000
MAX_QUESTION = 4_000

_FENCE = LazyPattern(r"```.*?(?:```|\Z)", re.S)
# Line-anchored, so code that merely names an exception class is not a trace.
_TRACE = LazyPattern(
    r"Traceback \(most recent|^\s*(?:[\w.$]+(?:Error|Exception)\b(?::|\s*$)|error(?:\[E\d+\])?:|panic:|"
    r"fatal:|FAILED\b|E\s{2,})|^\s+at [\w$.<>/]+[(:]|Failed to compile|\bundefined:|Segmentation fault|"
    r"^Caused by:|^\s*File \"[^\"]+\", line \d+",
    re.M,
)
_DIFF = LazyPattern(r"^(?:diff --git|--- a/|\+\+\+ b/|@@ -\d)", re.M)
_PASTE_START = (">", "$ ", "# ", "+", "-", "@@", "at ", "File \"", "Traceback", "|", "//", "/*", "*", "#!", "<", "{", "}", "[", "]", "=>")
_SYMBOLS = frozenset("{}[]();=<>$#|\\\"`*:")


def _looks_pasted(line: str) -> bool:
    if line[:1] == "\t" or line[:2] == "  " and line.lstrip()[:2] not in ("- ", "* ") :
        return True
    s = line.strip()
    if s.startswith(_PASTE_START):
        # "- item" bullets are prose; a leading "-" followed by a word is kept.
        if s[:2] in ("- ", "* ") and len(s) > 2 and s[2:3].isalpha():
            return False
        return True
    n = len(s)
    if n == 0:
        return False
    symbols = sum(1 for c in s if c in _SYMBOLS)
    if symbols / n > 0.08:
        return True
    # SQL, config and log lines: few lowercase words, many capitals or digits.
    letters = sum(1 for c in s if c.isalpha())
    if letters and sum(1 for c in s if c.isupper()) / letters > 0.6 and n > 12:
        return True
    if s.endswith((";", "{", "}", ");", "),")):
        return True
    return s.endswith((",", "(")) and " " not in s.strip(",;{(")


def _continues_paste(line: str) -> bool:
    """Output lines inside a paste (" Planning Time: 0.102 ms"), never prose like "fix it"."""
    s = line.strip()
    return line[:1].isspace() or any(c.isdigit() for c in s) and any(c in s for c in ":=|")


def split(prompt: str) -> tuple[str, str]:
    """Return (question, paste_kind); paste_kind is '', 'code', 'trace' or 'diff'."""
    if len(prompt) > HEAD + TAIL:
        prompt = prompt[:HEAD] + "\n\n" + prompt[-TAIL:]
    if "\x00" in prompt:
        prompt = prompt.replace("\x00", " ")
    pasted: list[str] = []

    def _cut(m: "re.Match[str]") -> str:
        pasted.append(m.group(0))
        return "\n"

    text = _FENCE.sub(_cut, prompt) if "```" in prompt else prompt
    question: list[str] = []
    first = True
    in_paste = False
    for line in text.splitlines():
        if not line.strip():
            in_paste = False
            continue
        # The first line is the ask far more often than not, even when it is
        # terse and symbol-heavy ("fix `foo()` in @a/b.ts"). Inside a pasted
        # block, lines stay pasted until a blank line or clear prose.
        if first or not (_looks_pasted(line) or in_paste and _continues_paste(line)):
            question.append(line)
            in_paste = False
        else:
            pasted.append(line)
            in_paste = True
        first = False
    q = "\n".join(question)[:MAX_QUESTION]
    if not pasted:
        return q, ""
    blob = "\n".join(pasted)
    if _DIFF.search(blob):
        kind = "diff"
    elif _TRACE.search(blob):
        kind = "trace"
    else:
        kind = "code"
    return q, kind
