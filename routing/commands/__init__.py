"""One module per CLI command, each defining `command`; routing.cli wires them up lazily."""
