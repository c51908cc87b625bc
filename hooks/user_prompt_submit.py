"""modelroute hook for Claude Code's UserPromptSubmit: route the prompt, count it, maybe advise.

Run as `<python> user_prompt_submit.py` with the hook JSON on stdin; the logic lives in
routing/claude/prompt_hook.py. Always exits 0: see hooks/_hookentry.py and routing/claude/hook_io.py.
"""

from _hookentry import start

start("UserPromptSubmit", "claude.prompt_hook", "handle")
