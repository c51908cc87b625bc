"""What the assistant's last turn in a Claude Code transcript did: the context of the next prompt.

Reads the lines of the transcript's tail (routing.claude.live_model.read_tail,
bounded) from the end: the assistant lines of the main thread back to the
previous prompt the user typed give the tools that turn used, its last text,
and whether it failed; routing.router.context names the kind. Subagent
lines (isSidechain), tool results and turns the host injects (background
task notifications, agent messages) belong to the turn, not to the user.
"""

from __future__ import annotations

from routing.core import fastjson
from routing.router.context import prev_kind
from routing.router.injected import is_injected_row, not_typed

_INTERRUPTED = "[Request interrupted"


def _is_prompt(entry: dict) -> bool:
    """A user line the user typed (not a tool result, not something the host injected)."""
    if is_injected_row(entry):
        return False
    content = (entry.get("message") or {}).get("content")
    if isinstance(content, str):
        return not not_typed(content)
    if isinstance(content, list):
        kinds = {b.get("type") for b in content if isinstance(b, dict)}
        if "tool_result" in kinds:
            return False
        texts = [b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"]
        return bool(texts) and not not_typed(texts[0])
    return False


def previous_turn_kind(lines: "list[str]", prompt: str = "") -> "str | None":
    """edit, answer, plan, question or error for the assistant turn before the current
    prompt; None when the tail shows none (a new session, or a tail too short)."""
    tools: set[str] = set()
    text = ""
    failed = False
    seen_assistant = False
    for line in reversed(lines):
        if '"assistant"' not in line and '"user"' not in line:
            continue
        try:
            entry = fastjson.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict) or entry.get("isSidechain"):
            continue
        msg = entry.get("message")
        if not isinstance(msg, dict):
            continue
        if entry.get("type") == "user":
            content = msg.get("content")
            first = content if isinstance(content, str) else ""
            if isinstance(content, list) and content and isinstance(content[0], dict):
                first = str(content[0].get("text") or "")
            if first.startswith(_INTERRUPTED):
                failed = failed or not seen_assistant
                continue
            if _is_prompt(entry):
                if not seen_assistant:
                    continue  # the current prompt, already written: the turn lies before it
                break
            continue
        seen_assistant = True
        if entry.get("isApiErrorMessage") and not text:
            failed = True
        for block in msg.get("content") or ():
            if not isinstance(block, dict):
                continue
            if block.get("type") == "tool_use" and isinstance(block.get("name"), str):
                tools.add(block["name"])
            elif block.get("type") == "text" and not text and isinstance(block.get("text"), str):
                text = block["text"]
    if not seen_assistant:
        return None
    return prev_kind(tools, text, failed)
