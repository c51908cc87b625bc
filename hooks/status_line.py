"""modelroute statusLine command for Claude Code: `sonnet · wants opus · ↑1 · $0.42`.

Run as `<python> status_line.py` with the statusLine JSON on stdin; the same
code path as `route status --claude` (routing/claude/statusline.py). It also records
the live model, which is how `/model` switches are seen. Always exits 0.
"""

from _hookentry import start

start("", "claude.statusline", "run")
