"""Names Claude Code defines that modelroute relies on, written once.

Each was observed in the real program (see tests/data/host-samples); when a
release renames one, this is the file to change.
"""

from __future__ import annotations

# The env var that pins every subagent's model.
SUBAGENT_MODEL_VAR = "CLAUDE_CODE_SUBAGENT_MODEL"
# The tool that starts a subagent: `Agent`, called `Task` by releases before 2.1.
SUBAGENT_TOOLS = ("Agent", "Task")
SUBAGENT_MATCHER = "|".join(SUBAGENT_TOOLS)
# The values the Agent tool's `model` input accepts.
TOOL_MODELS = ("sonnet", "opus", "haiku", "fable")
