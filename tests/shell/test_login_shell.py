"""Which shell install wires: the interactive one, skipping install.sh's bash and route itself."""

from __future__ import annotations

import pytest

from routing.shell import detect as login_shell


@pytest.mark.parametrize(
    "chain, expected",
    [
        ([("bash", ["bash", "./install.sh", "--yes"]), ("zsh", ["-zsh"])], "zsh"),
        ([("fish", ["fish"])], "fish"),
        ([("zsh", ["zsh", "-l"])], "zsh"),
        ([("bash", ["bash", "-c", "route install"]), ("python3", ["python3", "-m", "pytest"]), ("zsh", ["zsh"])], None),
        ([("pipx", ["pipx", "run", "x"]), ("bash", ["/bin/bash", "-i"])], "bash"),
        ([("tmux: server", ["tmux"])], None),
        ([], None),
    ],
)
def test_nearest_interactive_shell_wins(chain, expected) -> None:
    assert login_shell.from_ancestors(chain) == expected


def test_falls_back_to_dollar_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(login_shell, "_ancestors", lambda: [])
    assert login_shell.detect({"SHELL": "/usr/local/bin/fish"}) == "fish"
    assert login_shell.detect({"SHELL": "/bin/tcsh"}) is None


@pytest.mark.parametrize("program, name", [("-zsh", "zsh"), ("/usr/bin/bash", "bash"), ("bash5.2", "bash"), ("fishy", "fishy")])
def test_shell_name(program: str, name: str) -> None:
    assert login_shell.shell_name(program) == name
