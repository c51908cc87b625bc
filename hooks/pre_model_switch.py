"""modelroute hook for Claude Code's PreModelSwitch (2.1.332+): price a switch the router finds unneeded (ask, or deny in enforce mode).

Run as `<python> pre_model_switch.py` with the hook JSON on stdin; the logic lives in
routing/claude/model_switch_hook.py. Always exits 0: see hooks/_hookentry.py and routing/claude/hook_io.py.
"""

from _hookentry import start

start("PreModelSwitch", "claude.model_switch_hook", "handle_pre")
