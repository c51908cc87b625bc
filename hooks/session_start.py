"""modelroute hook for Claude Code's SessionStart: record the session's model and source.

Run as `<python> session_start.py` with the hook JSON on stdin; the logic lives in
routing/hook_session.py. Always exits 0: see hooks/_hookentry.py and routing/hook_io.py.
"""

from _hookentry import start

start("SessionStart", "hook_session", "handle_start")
