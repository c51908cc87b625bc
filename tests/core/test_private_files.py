"""modelroute's own dirs and files: never wider than 0755 whatever the umask, never through a planted link."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from routing.core import config, paths
from routing.router import rules
from routing.state import store


def mode(p: str | Path) -> int:
    return stat.S_IMODE(os.lstat(p).st_mode)


def test_directories_made_under_umask_000_are_at_most_0755(isolated_home: Path) -> None:
    """Was: 0777, including ~/.local/share/modelroute, which holds the init file every shell sources."""
    code = ("import os; os.umask(0)\n"
            "from routing.state import store; from routing.edits import fileops; from routing.core import paths\n"
            "store.update('s', 'claude', lambda r: None)\n"
            "fileops.atomic_write(os.path.join(str(paths.data_dir()), 'init.bash'), 'x')\n")
    subprocess.run([sys.executable, "-c", code], check=True)
    made = [isolated_home / ".local", isolated_home / ".local/state", isolated_home / ".local/share",
            isolated_home / ".local/share/modelroute"]
    for d in made:
        assert mode(d) & 0o022 == 0, f"{d} is {mode(d):o}"
    assert mode(store.state_dir()) == 0o700 and mode(store.sessions_dir()) == 0o700


def test_a_symlinked_state_dir_is_refused(isolated_home: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.makedirs(os.path.dirname(store.state_dir()), exist_ok=True)
    os.symlink(elsewhere, store.state_dir())
    assert store.update("s", "claude", lambda r: None) is False
    assert list(elsewhere.iterdir()) == []


def test_a_state_dir_owned_by_someone_else_is_refused(isolated_home: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("needs root to give a directory away")
    os.makedirs(store.state_dir())
    os.chown(store.state_dir(), 65534, 65534)
    assert store.update("s", "claude", lambda r: None) is False
    assert not os.path.exists(store.sessions_dir())


def test_a_planted_link_at_the_rules_cache_temp_file_is_not_written_through(isolated_home: Path,
                                                                             tmp_path: Path) -> None:
    """Was: the temp file was opened O_TRUNC, following a planted symlink and overwriting its target."""
    victim = tmp_path / "victim"
    victim.write_text("precious")
    cache = rules._cache_file()
    assert cache
    os.makedirs(os.path.dirname(cache), mode=0o700, exist_ok=True)
    os.symlink(victim, f"{cache}.{os.getpid()}.tmp")
    rules._cached_builtin()
    assert victim.read_text() == "precious"
    assert os.path.isfile(cache) and not os.path.islink(cache)


@pytest.mark.parametrize("key, value", [
    ("models.codex.opus", "gpt-5\x1b]0;owned\x07"),
    ("models.claude.sonnet", "sonnet\nrm -rf ~"),
    ("claude.default_model", "x" * 200),
    ("models.cursor.haiku", ""),
])
def test_model_names_from_config_are_printable_and_bounded(isolated_home: Path, key: str, value: str) -> None:
    """Was: terminal escapes in a model name were printed raw by codex-route and the hooks."""
    section, _, leaf = key.rpartition(".")
    f = paths.user_config_file()
    f.parent.mkdir(parents=True, exist_ok=True)
    escaped = "".join(c if " " <= c < "\x7f" and c not in '"\\' else f"\\u{ord(c):04x}" for c in value)
    f.write_text(f'[{section}]\n{leaf} = "{escaped}"\n')
    with pytest.raises(config.ConfigError, match="model name"):
        config.load()
    lenient = config.load(strict=False)  # a hook skips the file, with a warning
    assert lenient.layers == [] and lenient.warnings


def test_codex_route_prints_no_escape_sequence(isolated_home: Path) -> None:
    from routing.core.printable import printable

    assert printable("route: codex (gpt\x1b]0;x\x07): why\n") == "route: codex (gpt?]0;x?): why?"
