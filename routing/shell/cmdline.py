"""Find the prompt in an agent CLI's arguments, and word the pre-exec hint.

Pure functions: the wrappers and the hint hand us argv (or the typed line),
and we must guess which word is the prompt without knowing every flag of
every tool version. Options known to take a value are skipped with it;
subcommand words are dropped; what remains is the prompt.
"""

from __future__ import annotations

import shlex
from typing import Optional, Sequence

BINARIES = {"codex": "codex", "claude": "claude", "cursor": "cursor-agent"}
TOOL_OF_BINARY = {b: t for t, b in BINARIES.items()}

# Options that consume the next word, per tool (long forms may also use --opt=value).
_VALUE_OPTIONS = {
    "codex": {"-m", "--model", "-c", "--config", "-p", "--profile", "-C", "--cd", "-s", "--sandbox",
              "-a", "--ask-for-approval", "-i", "--image", "--add-dir", "--color", "-o",
              "--output-last-message", "--output-schema", "--local-provider", "--enable", "--disable"},
    "claude": {"--model", "--output-format", "--input-format", "--permission-mode", "--allowedTools",
               "--allowed-tools", "--disallowedTools", "--disallowed-tools", "--append-system-prompt",
               "--system-prompt", "--mcp-config", "--settings", "--add-dir", "--session-id", "-r", "--resume",
               "--fallback-model", "--agents", "--max-turns", "--agent", "--setting-sources", "--betas",
               "--permission-prompt-tool", "--max-budget-usd", "--plugin-dir", "--effort"},
    "cursor": {"-m", "--model", "--output-format", "-a", "--api-key", "--resume", "-H", "--header"},
}
_SUBCOMMANDS = {
    "codex": {"exec", "e", "resume", "review"},
    "claude": set(),
    "cursor": set(),
}
# Options that mean the user already picked a model (a Codex profile names one too).
_MODEL_OPTIONS = {"codex": ("-m", "--model", "-p", "--profile"), "claude": ("--model",), "cursor": ("-m", "--model")}

INTENT_PHRASE = {
    "lookup": "a lookup",
    "explain": "an explanation",
    "code": "a coding task",
    "diagnose": "a diagnosis",
    "design": "design work",
    "escalate": "a hard follow-up",
}
WRAPPERS = {"haiku": "quick", "opus": "deep"}


def prompt_of(tool: str, args: Sequence[str]) -> str:
    """The prompt words in `args` (empty when there is none, e.g. an interactive start)."""
    takes_value = _VALUE_OPTIONS.get(tool, set())
    subcommands = _SUBCOMMANDS.get(tool, set())
    words: list[str] = []
    skip = False
    rest_is_prompt = False
    for i, a in enumerate(args):
        if rest_is_prompt:
            words.append(a)
            continue
        if skip:
            skip = False
            continue
        if a == "--":
            rest_is_prompt = True
            continue
        if a.startswith("-") and a != "-":
            if a in takes_value:
                skip = True
            continue
        if not words and a in subcommands:
            continue
        if a == "-":
            continue  # prompt on stdin: nothing to classify
        words.append(a)
    return " ".join(words).strip()


def picks_model(tool: str, args: Sequence[str]) -> bool:
    """True when the user chose a model themselves (-m, --model, -c model=...)."""
    opts = _MODEL_OPTIONS.get(tool, ())
    for i, a in enumerate(args):
        if a in opts or any(a.startswith(o + "=") for o in opts if o.startswith("--")):
            return True
        if tool == "codex" and a in ("-c", "--config") and i + 1 < len(args) and args[i + 1].replace(" ", "").startswith("model="):
            return True
    return False


def split_line(line: str) -> Optional[list[str]]:
    """The words of a typed command line, or None when it is not one plain command."""
    try:
        lex = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
        lex.whitespace_split = True
        words = list(lex)
    except ValueError:  # unbalanced quotes: not ours to judge
        return None
    if any(w and set(w) <= set(";&|()<>") for w in words):
        return None  # pipelines, lists, redirections: leave them alone
    return words


def wrapper_name(tool: str, tier: str) -> str:
    if tool == "codex" and tier == "sonnet":
        return "codex"
    suffix = WRAPPERS.get(tier, "route")
    return f"{tool}-{suffix}"


def hint_text(tool: str, tier: str, intent: str) -> str:
    phrase = INTENT_PHRASE.get(intent, "a different task")
    return f"route: looks like {phrase} -> {wrapper_name(tool, tier)}"
