"""PreToolUse for the Agent (formerly Task) tool: send each subagent to the tier its task needs.

The hook answers with `updatedInput` (the whole tool input plus `model`) and
nothing else. It never returns a permissionDecision: "allow" would skip the
host's own check of the call (2.1.332's auto mode asks, or denies, an Agent
call it cannot check), so a routed subagent meets exactly the checks an
unrouted one meets. `updatedInput` alone changes the model on 2.1.197 and
2.1.332 (both observed).

Who picks the subagent's model, highest priority first: up to 2.1.197,
CLAUDE_CODE_SUBAGENT_MODEL, then the tool input's `model`; since then the
tool input's `model` beats the variable unless CLAUDE_CODE_SUBAGENT_MODEL_FORCE=1
(see routing.claude.host). Then the agent file's frontmatter, then the
parent's model. The hook stands aside when the user or the caller chose:
the variable is set (the user asked for that model, on either version), the
input names a model, or the agent's frontmatter (or the built-in Explore
agent, which asks for haiku) pins one. `claude.subagent_model` in the config
pins every subagent to that model; `claude.subagent_routing = false` turns it off.
`claude.subagent_effort.<tier>` adds the Agent tool's `effort` to a subagent the
hook routes (unless the caller set one).
"""

from __future__ import annotations

import os

from routing.claude import home
from routing.claude.hook_io import text
from routing.claude.host import SUBAGENT_MODEL_VAR, SUBAGENT_TOOLS, TOOL_MODELS
from routing.core import config, errorlog, safeio
from routing.core.tiers import TIERS, rank, tier_of_model
from routing.router.guard import classify_for
from routing.state import store as state
from routing.state.session import Session, bump

# The Agent tool's `model` enum in Claude Code 2.1.x.
BUILTIN_PINNED = {"Explore": "haiku"}
# What a `model:` value may hold (the regex ^model:\s*['"]?([\w.\-\[\]]+) with re.M, as
# plain string steps: importing `re` was a third of this hook's own start-up).
_VALUE_PUNCT = frozenset("_.-[]")


def pinned_model(front: str) -> str | None:
    """The value of the first `model:` line of an agent file's frontmatter that has one."""
    pos = 0
    n = len(front)
    while True:
        i = front.find("model:", pos)
        if i < 0:
            return None
        if i == 0 or front[i - 1] == "\n":
            j = i + 6
            while j < n and front[j].isspace():
                j += 1
            if j < n and front[j] in "'\"":
                j += 1
            k = j
            while k < n and (front[k].isalnum() or front[k] in _VALUE_PUNCT):
                k += 1
            if k > j:
                return front[j:k]
        pos = i + 1


def tool_model(cfg: config.Config, tier: str) -> str:
    """The tool-input value for a tier: the configured Claude model if the enum accepts it, else the alias."""
    configured = cfg.model_for("claude", tier)
    return configured if configured in TOOL_MODELS else tier


def subagent_effort(cfg: config.Config, tier: str | None) -> str:
    """`claude.subagent_effort.<tier>`: "" by default, and then the host's own choice stands.

    The Agent tool's `effort` (2.1.332; 2.1.197 ignores it) is to be set "only when the
    user ... explicitly ask[s]" for an effort, the host tells the caller; the config is
    that explicit ask, so nothing is set unless the user configured it."""
    table = cfg.get("claude", "subagent_effort")
    value = table.get(tier) if isinstance(table, dict) and tier else ""
    return value if isinstance(value, str) else ""


def frontmatter_model(agent_type: str, cwd: str | None) -> str | None:
    """The `model:` an agent file pins (project agent first, then the user's), if any."""
    if not agent_type or "/" in agent_type or agent_type.startswith("."):
        return None
    for d in home.agent_dirs(cwd):
        # Regular files only, bounded: a repository's agent file may link to /dev/tty.
        raw = safeio.read_head(os.path.join(d, agent_type + ".md"), 8192)
        if raw is None:
            continue
        head = raw.decode("utf-8", "replace")
        if not head.startswith("---"):
            return None
        end = head.find("\n---", 3)
        value = pinned_model(head[: end if end > 0 else len(head)])
        return None if value in (None, "inherit") else value
    return BUILTIN_PINNED.get(agent_type)


def handle(payload: dict) -> dict | None:
    if payload.get("tool_name") not in SUBAGENT_TOOLS:
        return None
    tool_input = payload.get("tool_input")
    if not isinstance(tool_input, dict):
        return None
    cwd = text(payload.get("cwd"), 4096) or None
    cfg = config.load(cwd, strict=False)
    for w in cfg.warnings:
        errorlog.log("config", w)
    if not cfg.get("claude", "subagent_routing"):
        return None

    ask = "\n\n".join(s for s in (text(tool_input.get("description"), 2000), text(tool_input.get("prompt"))) if s)
    routed = classify_for(ask, None, cfg, "PreToolUse").tier
    agent_type = text(tool_input.get("subagent_type"), 200)

    # Who picks the model, highest priority first (see the module docstring).
    pinned = str(cfg.get("claude", "subagent_model") or "")
    chosen, by = None, ""
    if os.environ.get(SUBAGENT_MODEL_VAR):
        chosen, by = os.environ[SUBAGENT_MODEL_VAR], "env"
    elif isinstance(tool_input.get("model"), str) and tool_input.get("model"):
        chosen, by = tool_input["model"], "input"
    elif pinned:
        chosen, by = pinned, "config"
    else:
        fm = frontmatter_model(agent_type, cwd)
        if fm:
            chosen, by = fm, "agent"

    out = None
    if by == "config" and chosen not in TOOL_MODELS:
        chosen = tier_of_model(chosen)  # the tool's enum takes aliases only
        if chosen is None:
            errorlog.log("PreToolUse", f"claude.subagent_model {pinned!r} names no Claude model family: ignored")
            by = ""
    if by in ("", "config"):
        model = chosen if by == "config" else tool_model(cfg, routed)
        updated = {**tool_input, "model": model}
        effort = subagent_effort(cfg, tier_of_model(model))
        if effort and "effort" not in tool_input:
            updated["effort"] = effort
        # No permissionDecision, ever: modelroute changes the model (and its effort) and nothing else.
        out = {"hookSpecificOutput": {"hookEventName": "PreToolUse", "updatedInput": updated}}
    effective = tier_of_model(chosen) if chosen else routed
    sid = text(payload.get("session_id"), 200) or "unknown"

    def record(r: Session) -> None:
        if effective in TIERS:
            bump(r.subagents, effective)
        if by:
            bump(r.subagents, f"by_{by}")
        if effective in TIERS and rank(effective) > rank(routed):
            # Kept apart from ↑N (the user's own escalations): the caller chose a bigger model.
            bump(r.subagents, "above_route")

    state.update_detached(sid, "claude", record)
    return out
