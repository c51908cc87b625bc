"""Names in the ask (paths, file names, calls, CLI flags), masked so their words are not read as the ask.

"/search", "docs/adr/0007-event-sourcing.md", "-race" and "zod .strip()" name
things; their words are not what the user asks for. `mask` overwrites each
name with underscores: the same length and a word character, so offsets
hold and no clause boundary appears where a name was ("does zod .strip()
drop ...").

What a name is, is defined by the regexes in PATTERNS, applied in order with
`sub`. A fifth of real prompts hold a path and a tenth a file name, so the
hook cannot wait for `re`: each pattern is matched by the plain string code
below it, which finds the same spans (tests/router/test_textscan.py checks
both on arbitrary text). Each runs only if its telltale character is
present, and starts only where a name can start, so masking stays linear.
"""

from __future__ import annotations

from routing.router.textscan import is_word

EXTENSIONS = (
    "py pyi ts tsx js jsx mjs go rs java kt rb php cs c cc cpp h hpp swift md rst txt "
    "yml yaml json toml tf sh sql cfg ini lock xml html css scss proto gradle"
).split()
_EXTENSION_SET = frozenset(EXTENSIONS)

# The definition, in order (no flags); the functions below match them.
PATTERNS = (
    r"(?<![\w.@~-])[\w.@~-]*/[\w./@~-]*(?:\(\))?",  # paths: a/b, /search, ~/.config/x, pkg/mod.fn()
    r"(?<![\w.-])[\w.-]*\w\(\)",  # calls: parse(), .strip(), os.path.join()
    r"(?<![\w-])[\w-]+\.(?:" + "|".join(EXTENSIONS) + r")\b",  # file names: lock.go, 0007-event-sourcing.md
    r"(?<![\w-])--?[a-z][\w-]*",  # flags: -race, --no-verify
)


def _in_path(c: str) -> bool:  # [\w.@~-]
    return c.isalnum() or c in "_.@~-"


def _in_call(c: str) -> bool:  # [\w.-]
    return c.isalnum() or c in "_.-"


def _in_file(c: str) -> bool:  # [\w-]
    return c.isalnum() or c in "_-"


def _paths(low: str) -> list[tuple[int, int]]:
    # A match holds a "/": for each one past the last match, take the run of name
    # characters before it (its start cannot reach back into that match: the
    # match ends before a character no name holds, or with "()").
    out = []
    n = len(low)
    q = low.find("/")
    while q >= 0:
        p = q
        while p > 0 and _in_path(low[p - 1]):
            p -= 1
        r = q + 1
        while r < n and (_in_path(low[r]) or low[r] == "/"):
            r += 1
        if low.startswith("()", r):
            r += 2
        out.append((p, r))
        q = low.find("/", r)
    return out


def _calls(low: str) -> list[tuple[int, int]]:
    out = []
    q = low.find("()")
    while q >= 0:
        p = q
        while p > 0 and _in_call(low[p - 1]):
            p -= 1
        if p < q and is_word(low[q - 1]):  # the run before "()" must end in a word character
            out.append((p, q + 2))
        q = low.find("()", q + 2)
    return out


def _files(low: str) -> list[tuple[int, int]]:
    out = []
    n = len(low)
    done = 0  # where the last match ended: a run that starts before it was not a candidate
    q = low.find(".")
    while q >= 0:
        p = q
        while p > 0 and _in_file(low[p - 1]):
            p -= 1
        r = q + 1
        while r < n and is_word(low[r]):
            r += 1
        if done <= p < q and low[q + 1 : r] in _EXTENSION_SET:  # \b: the extension is the whole word
            out.append((p, r))
            done = r
        q = low.find(".", q + 1)
    return out


def _flags(low: str) -> list[tuple[int, int]]:
    out = []
    n = len(low)
    q = low.find("-")
    while q >= 0:
        if q == 0 or not _in_file(low[q - 1]):
            k = q + 2 if low[q + 1 : q + 2] == "-" else q + 1
            if "a" <= low[k : k + 1] <= "z":
                r = k + 1
                while r < n and _in_file(low[r]):
                    r += 1
                out.append((q, r))
                q = low.find("-", r)
                continue
        q = low.find("-", q + 1)
    return out


def _has_file_name(low: str) -> bool:
    i = low.find(".")
    while i >= 0:
        j = i + 1
        while j < len(low) and low[j].isalnum():
            j += 1
        if low[i + 1 : j] in _EXTENSION_SET:
            return True
        i = low.find(".", j)
    return False


# (cheap test, spans of PATTERNS[i]): the scan runs only when the test says a name can be there.
MATCHERS = (
    (lambda low: "/" in low, _paths),
    (lambda low: "()" in low, _calls),
    (_has_file_name, _files),
    (lambda low: low[:1] == "-" or " -" in low or "`-" in low or "(-" in low, _flags),
)


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span overwritten by underscores."""
    if not spans:
        return text
    out = []
    at = 0
    for s, e in spans:
        out.append(text[at:s])
        out.append("_" * (e - s))
        at = e
    out.append(text[at:])
    return "".join(out)


def mask(low: str) -> str:
    """The lowercased ask with every name overwritten by underscores."""
    for may_hold, spans in MATCHERS:
        if may_hold(low):
            low = blank(low, spans(low))
    return low
