"""The Codex CLI: its home and the quick/deep profiles modelroute installs."""
