"""modelroute hook for Claude Code's SessionStart: record the session's model and source.

Run as `<python> session_start.py` with the hook JSON on stdin; the logic lives in
routing/claude/session_hook.py. Always exits 0: see hooks/_hookentry.py and routing/claude/hook_io.py.
"""

from _hookentry import start

start("SessionStart", "claude.session_hook", "handle_start")
