"""Separate what a prompt asks from what it pastes.

A prompt that carries a 300-line stack trace is usually a short question with
a large attachment. The router must weigh the question, so pasted material
(code, logs, diffs, traces) is set aside and only summarised by its kind.
Work is bounded: at most HEAD + TAIL characters are ever looked at, so a
multi-megabyte prompt costs the same as a long one.
"""

from __future__ import annotations

from routing.router.rules import MULTILINE, LazyPattern

HEAD = 12_000
TAIL = 2_000
MAX_QUESTION = 4_000

# What marks pasted material, as regexes. FENCE and DIFF are matched by the plain
# string code of _fences and _is_diff (a hook must not wait for `re`; the tests
# hold them to these patterns); TRACE is searched only when _may_be_trace says it can match.
FENCE = r"```.*?(?:```|\Z)"  # DOTALL
DIFF = r"^(?:diff --git|--- a/|\+\+\+ b/|@@ -\d)"  # MULTILINE
# Line-anchored, so code that merely names an exception class is not a trace.
_TRACE = LazyPattern(
    r"Traceback \(most recent|^\s*(?:[\w.$]+(?:Error|Exception)\b(?::|\s*$)|error(?:\[E\d+\])?:|panic:|"
    r"fatal:|FAILED\b|E\s{2,})|^\s+at [\w$.<>/]+[(:]|Failed to compile|\bundefined:|Segmentation fault|"
    r"^Caused by:|^\s*File \"[^\"]+\", line \d+",
    MULTILINE,
)
# A literal every match of _TRACE holds, besides "E" before two spaces and "at " after one.
_TRACE_WORDS = ("Traceback (most recent", "Error", "Exception", "error:", "error[", "panic:", "fatal:", "FAILED",
                "Failed to compile", "undefined:", "Segmentation fault", "Caused by:", 'File "')
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


def _fences(prompt: str, pasted: list[str]) -> str:
    """`re.sub(FENCE, "\\n", prompt, flags=DOTALL)`, keeping each fenced block in `pasted`:
    from a ``` to the next one, or to the end."""
    out = []
    at = 0
    start = prompt.find("```")
    while start >= 0:
        close = prompt.find("```", start + 3)
        end = len(prompt) if close < 0 else close + 3
        out.append(prompt[at:start])
        out.append("\n")
        pasted.append(prompt[start:end])
        at = end
        start = prompt.find("```", end)
    out.append(prompt[at:])
    return "".join(out)


def _is_diff(blob: str) -> bool:
    """Does DIFF occur: a line opening with a diff header or a hunk?"""
    for line in blob.split("\n"):  # MULTILINE's ^: the start and after each "\n"
        if line[:1] in "d-+@" and (line.startswith(("diff --git", "--- a/", "+++ b/"))
                                   or line.startswith("@@ -") and line[4:5].isdecimal()):
            return True
    return False


def _may_be_trace(blob: str) -> bool:
    """False when _TRACE cannot match: none of the literals its branches need."""
    if any(w in blob for w in _TRACE_WORDS):
        return True
    i = blob.find("E")
    while i >= 0:
        if blob[i + 1 : i + 2].isspace() and blob[i + 2 : i + 3].isspace():
            return True
        i = blob.find("E", i + 1)
    i = blob.find("at ", 1)
    while i >= 0:
        if blob[i - 1].isspace():
            return True
        i = blob.find("at ", i + 1)
    return False


def split(prompt: str) -> tuple[str, str]:
    """Return (question, paste_kind); paste_kind is '', 'code', 'trace' or 'diff'."""
    if len(prompt) > HEAD + TAIL:
        prompt = prompt[:HEAD] + "\n\n" + prompt[-TAIL:]
    if "\x00" in prompt:
        prompt = prompt.replace("\x00", " ")
    pasted: list[str] = []
    text = _fences(prompt, pasted) if "```" in prompt else prompt
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
    if _is_diff(blob):
        kind = "diff"
    elif _may_be_trace(blob) and _TRACE.search(blob):
        kind = "trace"
    else:
        kind = "code"
    return q, kind
