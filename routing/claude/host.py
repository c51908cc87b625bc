"""Names Claude Code defines that modelroute relies on, written once.

Each was observed in the real program (see tests/data/host-samples); when a
release renames one, this is the file to change.
"""

from __future__ import annotations

# The env var that pins every subagent's model. Up to 2.1.197 it beat the Agent call's own
# `model`; by 2.1.332 the call's `model` beats it unless SUBAGENT_FORCE_VAR=1 is also set
# (both observed; the releases in between were not checked, and are taken as the newer rule).
SUBAGENT_MODEL_VAR = "CLAUDE_CODE_SUBAGENT_MODEL"
SUBAGENT_FORCE_VAR = "CLAUDE_CODE_SUBAGENT_MODEL_FORCE"
VAR_BEATS_CALL_UNTIL = (2, 1, 197)
# The tool that starts a subagent: `Agent`, called `Task` by releases before 2.1.
SUBAGENT_TOOLS = ("Agent", "Task")
SUBAGENT_MATCHER = "|".join(SUBAGENT_TOOLS)
# The values the Agent tool's `model` input accepts.
TOOL_MODELS = ("sonnet", "opus", "haiku", "fable")
# Hook events a release may not know. 2.1.197 shows a "Settings Warning" dialog at every
# start for an event it does not know, so these are registered only from the first release
# observed to have them.
MODEL_SWITCH_EVENTS = ("PreModelSwitch", "PostModelSwitch")
MODEL_SWITCH_SINCE = (2, 1, 332)
