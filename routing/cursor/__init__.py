"""Cursor: it keeps per-feature models in its own UI, so its install target only says what to pick."""
