"""modelroute hook for Claude Code's SessionEnd: restore the default model after a /model switch.

Run as `<python> session_end.py` with the hook JSON on stdin; the logic lives in
routing/claude/session_hook.py. Always exits 0: see hooks/_hookentry.py and routing/claude/hook_io.py.
"""

from _hookentry import start

start("SessionEnd", "claude.session_hook", "handle_end")
