"""routing.edits.fileops: the safety rules for editing other programs' files."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from routing.edits import fileops
from routing.edits.fileops import FileOpsError


def mode_of(p: Path) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def test_atomic_write_creates_file_with_requested_mode(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "dir" / "f.json"
    fileops.atomic_write(target, "{}\n", mode=0o600)
    assert target.read_text() == "{}\n"
    assert mode_of(target) == 0o600


def test_atomic_write_keeps_existing_mode(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_text("old")
    os.chmod(target, 0o640)
    fileops.atomic_write(target, b"new", mode=0o600)
    assert target.read_bytes() == b"new"
    assert mode_of(target) == 0o640


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "f"
    for i in range(3):
        fileops.atomic_write(target, f"v{i}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]


def test_atomic_write_refuses_symlink_and_leaves_it(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("orig")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with pytest.raises(FileOpsError, match="symlink"):
        fileops.atomic_write(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "orig"


def test_atomic_write_follows_symlink_when_asked(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("orig")
    os.chmod(real, 0o604)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    fileops.atomic_write(link, "new", follow=True)
    assert link.is_symlink()
    assert real.read_text() == "new"
    assert mode_of(real) == 0o604


def test_read_only_dir_gives_clear_error_naming_the_file(tmp_path: Path) -> None:
    d = tmp_path / "ro"
    d.mkdir()
    os.chmod(d, 0o555)
    try:
        with pytest.raises(FileOpsError) as exc:
            fileops.atomic_write(d / "settings.json", "{}")
        assert str(d / "settings.json") in str(exc.value)
        assert "read-only" in str(exc.value)
        assert not (d / "settings.json").exists()
    finally:
        os.chmod(d, 0o755)


def test_read_only_ancestor_of_missing_dir_gives_clear_error(tmp_path: Path) -> None:
    d = tmp_path / "ro"
    d.mkdir()
    os.chmod(d, 0o555)
    try:
        with pytest.raises(FileOpsError, match="read-only"):
            fileops.atomic_write(d / "new" / "settings.json", "{}")
        assert not (d / "new").exists()
    finally:
        os.chmod(d, 0o755)


def test_read_only_file_is_refused_and_unchanged(tmp_path: Path) -> None:
    f = tmp_path / "settings.json"
    f.write_text("orig")
    os.chmod(f, 0o444)
    with pytest.raises(FileOpsError, match="read-only"):
        fileops.atomic_write(f, "new")
    assert f.read_text() == "orig"


def test_backup_once_never_overwrites(tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_text("first")
    b = fileops.backup_once(f)
    assert b == tmp_path / "f.modelroute-backup"
    assert b.read_text() == "first"
    f.write_text("second")
    assert fileops.backup_once(f) is None
    assert b.read_text() == "first"


def test_backup_once_of_missing_file_is_none(tmp_path: Path) -> None:
    assert fileops.backup_once(tmp_path / "nope") is None
    assert list(tmp_path.iterdir()) == []


def test_backup_keeps_restrictive_mode(tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_text("secret")
    os.chmod(f, 0o600)
    b = fileops.backup_once(f)
    assert b is not None and mode_of(b) == 0o600


def test_unified_diff_names_file_and_shows_change(tmp_path: Path) -> None:
    d = fileops.unified_diff(tmp_path / "f", "a\nb\n", "a\nc\n")
    assert f"--- {tmp_path / 'f'}" in d
    assert "-b\n" in d and "+c\n" in d


def test_unified_diff_of_new_file_comes_from_dev_null(tmp_path: Path) -> None:
    d = fileops.unified_diff(tmp_path / "f", None, "x")
    assert d.startswith("--- /dev/null\n")
    assert "+x\n\\ No newline at end of file\n" in d


def test_read_text_missing_is_none_and_binary_refused(tmp_path: Path) -> None:
    assert fileops.read_text(tmp_path / "nope") is None
    b = tmp_path / "bin"
    b.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(FileOpsError, match="not UTF-8"):
        fileops.read_text(b)


def test_killed_writer_never_leaves_a_partial_file(tmp_path: Path) -> None:
    """A writer killed mid-loop leaves the file holding one complete version."""
    f = tmp_path / "f.json"
    fileops.atomic_write(f, "0" * 100000)
    code = (
        "import sys; from routing.edits import fileops\n"
        "i = 0\n"
        "while True:\n"
        "    i += 1\n"
        f"    fileops.atomic_write({str(f)!r}, str(i % 10) * 100000)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        seen = set()
        for _ in range(200):
            data = f.read_text()
            assert len(data) == 100000 and len(set(data)) == 1
            seen.add(data[0])
            if len(seen) > 2:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the writer died: the test saw no concurrent writes"
        assert len(seen) > 1, "the writer never replaced the file"
    finally:
        proc.kill()
        proc.wait()
    data = f.read_text()
    assert len(data) == 100000 and len(set(data)) == 1
