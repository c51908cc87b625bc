"""Claude Code: its home, the hooks, the statusLine, and the settings.json install."""
