"""Say in plain lines what a settings.json change means for the user: pure.

A diff of settings.json shows keys; the user needs to know that their
default model changes, which hooks will run before their prompts, and what
the status line becomes. These lines go under the file in the install plan.
"""

from __future__ import annotations

import json
from typing import Any

from routing.claude.merge import is_ours

# What each of our hooks does, in the user's terms. An event missing here
# (a newer one) still gets a line.
PURPOSE = {
    "UserPromptSubmit": "before each prompt: suggests a /model switch when the prompt needs another tier",
    "PreToolUse": "before each subagent starts: picks the subagent's model for its task",
    "SessionStart": "at session start: notes the live model",
    "SessionEnd": "at session end: puts the default model back after a /model switch",
    "PreModelSwitch": "before a /model switch: weighs the prompt cache it costs",
    "PostModelSwitch": "after every model switch: tracks the live model and its cause",
}
# What Claude Code runs on when settings.json names no model (observed: Opus with an API key).
HOST_DEFAULT = "Claude Code's own default (Opus with an API key)"


def _our_events(doc: dict[str, Any]) -> list[str]:
    hooks = doc.get("hooks")
    found = []
    if isinstance(hooks, dict):
        for event, groups in hooks.items():
            for group in groups if isinstance(groups, list) else []:
                entries = group.get("hooks") if isinstance(group, dict) else None
                if any(isinstance(e, dict) and is_ours(e.get("command")) for e in entries or []):
                    found.append(event)
                    break
    return found


def _our_status_line(doc: dict[str, Any]) -> bool:
    sl = doc.get("statusLine")
    return isinstance(sl, dict) and is_ours(sl.get("command"))


def _model(doc: dict[str, Any]) -> Any:
    return doc.get("model")


def _env(doc: dict[str, Any], key: str) -> Any:
    env = doc.get("env")
    return env.get(key) if isinstance(env, dict) else None


def describe(before: dict[str, Any], after: dict[str, Any], subagent_var: str) -> list[str]:
    """One plain line per change that matters: the default model, each hook, the status line, the env."""
    lines: list[str] = []
    old_model, new_model = _model(before), _model(after)
    if old_model != new_model:
        was = HOST_DEFAULT if old_model is None else json.dumps(old_model)
        if new_model is None:
            lines.append(f'default model: removes "model": {json.dumps(old_model)}; '
                         f"new sessions start on {HOST_DEFAULT}")
        else:
            lines.append(f'default model: sets "model": {json.dumps(new_model)}, so new Claude Code sessions '
                         f"start on {new_model} instead of {was}; /model still switches any session")
    old_events, new_events = set(_our_events(before)), _our_events(after)
    for event in new_events:
        if event not in old_events:
            lines.append(f"hook {event}: {PURPOSE.get(event, 'runs modelroute')}")
    for event in sorted(old_events - set(new_events)):
        lines.append(f"hook {event}: removed")
    if _our_status_line(after) and not _our_status_line(before):
        lines.append("statusLine: modelroute's line under the prompt (model · wanted tier · escalations · cost)")
    elif _our_status_line(before) and not _our_status_line(after):
        lines.append("statusLine: modelroute's line removed")
    old_adv, new_adv = before.get("advisorModel"), after.get("advisorModel")
    if old_adv != new_adv:
        lines.append(f'advisorModel: removed' if new_adv is None else
                     f'advisorModel: sets "advisorModel": {json.dumps(new_adv)}: the main model consults it '
                     f"when it needs to, without a switch (its prompt cache stays)")
    old_pin, new_pin = _env(before, subagent_var), _env(after, subagent_var)
    if old_pin != new_pin:
        if new_pin is None:
            lines.append(f"env {subagent_var}: removed, so each subagent is routed to the tier its task needs")
        else:
            lines.append(f"env {subagent_var}={new_pin}: every subagent runs on {new_pin}; per-task routing is off")
    return lines
