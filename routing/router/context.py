"""What the assistant's previous turn did, in one word: the context a reply is read in.

"still broken" means little on its own and everything after the assistant
said it fixed the bug; "yes" approves a plan. The hosts record that turn in
different shapes (a Claude Code transcript line, a Codex rollout item), so
their readers extract the tools the turn used, its last text and whether it
failed, and this pure function names what it did: one of
routing.router.decision.PREV_KINDS.
"""

from __future__ import annotations

# Tools that change files, in Claude Code and Codex.
EDIT_TOOLS = frozenset(("Edit", "Write", "MultiEdit", "NotebookEdit", "apply_patch", "str_replace_based_edit_tool",
                        "str_replace_editor", "create_file", "edit_file"))
# A turn that ends by asking for a go-ahead proposed something.
_PLAN_WORDS = ("plan", "shall i", "should i", "do you want me", "would you like me", "want me to", "proceed",
               "go ahead", "approve", "option", "steps:", "here's what i", "here is what i", "i propose", "i suggest")
_FIX_CLAIMS = ("fixed", "i've updated", "i have updated", "i've changed", "i updated", "i changed", "should now",
               "should work now", "now works", "is now", "resolved", "i've added", "i added", "i've removed")
# A turn whose last words ask for a go-ahead, without a question mark.
_ASKS = ("shall i", "should i proceed", "want me to", "let me know if", "approve")


def _tail(text: str) -> str:
    """text.strip()[-600:] without copying all of a long turn (strip copies the whole string)."""
    if len(text) > 1200:
        tail = text[-1200:].rstrip()[-600:]
        # Exact unless the text's leading whitespace reaches into the window (then slow path).
        if len(tail) == 600 and not tail[:1].isspace():
            return tail
    return text.strip()[-600:]


def prev_kind(tools: "set[str] | frozenset[str] | list[str]", text: str, failed: bool = False) -> str:
    """edit, answer, plan, question or error, for a turn that used `tools` and ended with `text`.

    Plain loops rather than any() over a generator: the report calls this once per prompt of
    every transcript it reads, and the loops take two thirds of the time."""
    if failed:
        return "error"
    if not EDIT_TOOLS.isdisjoint(tools):
        return "edit"
    tail = _tail(text).lower()
    if tail.endswith(("?", "？")):
        for w in _PLAN_WORDS:
            if w in tail:
                return "plan"
        return "question"
    for w in _FIX_CLAIMS:
        if w in tail:
            return "edit"
    end = tail[-200:]
    for w in _ASKS:
        if w in end:
            return "plan"
    return "answer"
