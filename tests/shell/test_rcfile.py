"""The rc-file block: replaced in place, removed exactly, markers checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routing.shell import rcfile

HOME = Path("/home/u")
BLOCK = rcfile.render_block(HOME / ".local/share/modelroute/init.bash", HOME)


@given(st.lists(st.sampled_from(["a", " ", "\n", "\r\n", "#", "x=1\n", "\t"]), max_size=30).map("".join))
def test_add_then_remove_restores_every_byte(text: str) -> None:
    added = rcfile.add_block(text, BLOCK)
    assert rcfile.has_block(added)
    assert rcfile.remove_blocks(added) == text


@pytest.mark.parametrize("text", ["", "export A=1", "export A=1\n", "\n\n", "a\n\n\n"])
def test_adding_twice_is_a_no_op(text: str) -> None:
    once = rcfile.add_block(text, BLOCK)
    assert rcfile.add_block(once, BLOCK) == once
    assert once.count(rcfile.BEGIN) == 1


def test_existing_block_is_replaced_where_the_user_moved_it() -> None:
    old = rcfile.render_block(Path("/old/init.bash"), HOME)
    text = "first\n" + old + "last\n"
    new = rcfile.add_block(text, BLOCK)
    assert new == "first\n" + BLOCK + "last\n"


def test_duplicate_blocks_collapse_to_the_first() -> None:
    text = "a\n" + BLOCK + "b\n" + BLOCK + "c\n"
    assert rcfile.add_block(text, BLOCK) == "a\n" + BLOCK + "b\nc\n"


def test_remove_leaves_user_lines_added_after_the_block() -> None:
    installed = rcfile.add_block("mine\n", BLOCK) + "added later\n"
    assert rcfile.remove_blocks(installed) == "mine\nadded later\n"


@pytest.mark.parametrize(
    "text, line",
    [
        (f"x\n{rcfile.BEGIN}\nstuff\n", 2),
        (f"x\ny\n{rcfile.END}\n", 3),
        (f"{rcfile.BEGIN}\n{rcfile.BEGIN}\n{rcfile.END}\n", 2),
    ],
)
def test_broken_markers_are_refused_with_file_and_line(text: str, line: int) -> None:
    with pytest.raises(rcfile.RcFileError, match=rf"\.bashrc, line {line}:"):
        rcfile.add_block(text, BLOCK, "/home/u/.bashrc")
    with pytest.raises(rcfile.RcFileError):
        rcfile.remove_blocks(text, "/home/u/.bashrc")


def test_block_sources_init_relative_to_home_and_quotes_odd_paths() -> None:
    assert '"$HOME/.local/share/modelroute/init.bash"' in BLOCK
    odd = rcfile.render_block(Path('/data/my "dir"/$x/init.zsh'), HOME)
    assert r'"/data/my \"dir\"/\$x/init.zsh"' in odd


def test_block_sources_the_file_in_a_real_shell(tmp_path: Path) -> None:
    import subprocess

    init = tmp_path / "we ird$dir" / "init.bash"
    init.parent.mkdir()
    init.write_text("route_loaded=yes\n")
    rc = tmp_path / "rc"
    rc.write_text(rcfile.add_block("set -u\n", rcfile.render_block(init, tmp_path)))
    out = subprocess.run(["bash", "--noprofile", "--norc", "-c", f'. "{rc}"; echo "$route_loaded"'],
                         env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    assert out.stdout == "yes\n", out.stderr
    init.unlink()  # a missing init file is silently skipped, with status 0
    out = subprocess.run(["bash", "--noprofile", "--norc", "-c", f'. "{rc}"; echo "rc=$?"'],
                         env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    assert out.stdout == "rc=0\n" and out.stderr == ""


def test_rc_files_per_shell_and_platform(tmp_path: Path) -> None:
    assert rcfile.rc_files("bash", HOME, {}, "linux") == [HOME / ".bashrc"]
    assert rcfile.rc_files("bash", HOME, {}, "darwin") == [HOME / ".bashrc", HOME / ".bash_profile"]
    assert rcfile.rc_files("zsh", HOME, {}, "linux") == [HOME / ".zshrc"]
    assert rcfile.rc_files("zsh", HOME, {"ZDOTDIR": "/cfg/zsh"}, "linux") == [Path("/cfg/zsh/.zshrc")]


def test_login_note_only_when_profile_skips_bashrc(tmp_path: Path) -> None:
    assert rcfile.bash_login_note(tmp_path) is None
    (tmp_path / ".profile").write_text('if [ -f "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi\n')
    assert rcfile.bash_login_note(tmp_path) is None
    (tmp_path / ".bash_profile").write_text("export PATH=$HOME/bin:$PATH\n")
    note = rcfile.bash_login_note(tmp_path)
    assert note and ".bash_profile" in note
