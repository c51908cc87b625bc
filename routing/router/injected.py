"""Turns the host injects into a conversation: not the user's prompts, so never routed or counted.

Claude Code 2.1.332 runs subagents in the background and delivers each
result as a user turn that fires UserPromptSubmit like a typed prompt:
`<task-notification>` when a subagent finishes, `<agent-message from=…>` when
one hands its report back (SubagentHandback, auto mode). Other senders use
the same channel: peer sessions (`<cross-session-message>`), teammates
(`<teammate-message>`) and MCP channels (`<channel …>`). The hook's input
carries no origin field, so the text is the only marker; in a transcript the
row also has `origin.kind` (`human` for a typed prompt), which `is_injected_row`
reads first. Pure and import-free: the UserPromptSubmit hook runs it before
anything else, and `route report` uses the same test for its what-if.
"""

from __future__ import annotations

# Openings of injected turns, as Claude Code writes them (observed in 2.1.332 and read in
# its binary). A transcript row of a peer's message starts with the framing sentence.
INJECTED_OPENINGS = (
    "<task-notification>",
    "<agent-message",
    "<cross-session-message",
    "<teammate-message",
    "<channel",
    "Another Claude session sent a message:",
)
# Transcript `origin.kind` values of turns the host made (2.1.332's binary); `human` is a typed
# prompt, and kinds not listed here count as the user's.
INJECTED_ORIGINS = ("task-notification", "peer", "channel", "auto-continuation", "coordinator")


# User rows of a transcript that the user did not type either: slash-command echoes and
# their output, reminders, memory notes, interruption markers.
COMMAND_NOISE = ("<system-reminder>", "<local-command-", "<command-name>", "<command-message>", "<bash-input>",
                 "<bash-stdout>", "<bash-stderr>", "<user-memory-input>", "Caveat:", "[Request interrupted")


def not_typed(text: str) -> bool:
    """A transcript's user text that is no prompt: injected by the host, or command noise."""
    head = text.lstrip()[:64]
    return head.startswith(INJECTED_OPENINGS) or head.startswith(COMMAND_NOISE)


def is_injected(prompt: str) -> bool:
    """True when `prompt` is a turn the host made (a background agent's result, a peer's message)."""
    return prompt.lstrip()[:40].startswith(INJECTED_OPENINGS)


def is_injected_row(row: dict) -> bool:
    """For a transcript `type: "user"` row: made by the host, by its origin or else by its text.

    Rows without an origin (2.1.197, and local-command rows) are judged by text alone."""
    origin = row.get("origin")
    if isinstance(origin, dict) and isinstance(origin.get("kind"), str):
        return origin["kind"] in INJECTED_ORIGINS
    message = row.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):
        content = next((b.get("text") for b in content if isinstance(b, dict) and b.get("type") == "text"), None)
    return isinstance(content, str) and is_injected(content)
