"""modelroute hook for Claude Code's PostModelSwitch (2.1.332+): record the switch: live model, the user's escalations, the default it saved.

Run as `<python> post_model_switch.py` with the hook JSON on stdin; the logic lives in
routing/claude/model_switch_hook.py. Always exits 0: see hooks/_hookentry.py and routing/claude/hook_io.py.
"""

from _hookentry import start

start("PostModelSwitch", "claude.model_switch_hook", "handle_post")
