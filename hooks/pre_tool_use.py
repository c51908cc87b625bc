"""modelroute hook for Claude Code's PreToolUse: send the subagent (Agent tool) to the tier its task needs.

Run as `<python> pre_tool_use.py` with the hook JSON on stdin; the logic lives in
routing/claude/subagent_hook.py. Always exits 0: see hooks/_hookentry.py and routing/claude/hook_io.py.
"""

from _hookentry import start

start("PreToolUse", "claude.subagent_hook", "handle")
