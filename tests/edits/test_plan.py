"""Plans and the install-target interface: nothing is written before apply, and apply writes exactly the plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from routing import install as installer
from routing.core.config import load
from routing.edits import fileops
from routing.edits import record as install_record
from routing.edits.fileops import FileOpsError
from routing.edits.plan import CREATED, KEEP, MODIFIED, NO_CHANGE, REMOVED, FileEdit, TreeRemoval
from routing.edits.target import Options, Plan


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_each_edit_says_created_modified_removed_or_no_change(tmp_path: Path) -> None:
    f = tmp_path / "f"
    assert FileEdit(f, None, "x\n", "t").status == CREATED
    assert FileEdit(f, "x\n", "y\n", "t").status == MODIFIED
    assert FileEdit(f, "x\n", None, "t").status == REMOVED
    assert FileEdit(f, "x\n", "x\n", "t").status == NO_CHANGE
    assert not FileEdit(f, None, None, "t").touches


def test_apply_creates_backs_up_once_and_removes(tmp_path: Path) -> None:
    f = tmp_path / "f"
    FileEdit(f, None, "one\n", "t", mode=0o600).apply()
    assert f.read_text() == "one\n" and f.stat().st_mode & 0o777 == 0o600
    FileEdit(f, "one\n", "two\n", "t").apply()
    FileEdit(f, "two\n", "three\n", "t").apply()
    assert fileops.backup_path(f).read_text() == "one\n"  # the first version, never overwritten
    FileEdit(f, "three\n", None, "t").apply()
    assert not f.exists()


def test_a_file_changed_after_planning_is_not_overwritten(tmp_path: Path) -> None:
    """Between the plan and the answer to "Write these changes?", Claude Code may rewrite settings.json."""
    f = tmp_path / "settings.json"
    f.write_text('{"model": "sonnet"}\n')
    edit = FileEdit(f, '{"model": "sonnet"}\n', '{"model": "sonnet", "hooks": {}}\n', "t")
    f.write_text('{"model": "opus"}\n')  # /model opus, meanwhile
    with pytest.raises(FileOpsError, match="changed after it was read"):
        edit.apply()
    assert f.read_text() == '{"model": "opus"}\n'
    assert not fileops.backup_path(f).exists()


def test_the_record_entry_is_stored_forgotten_or_kept(tmp_path: Path) -> None:
    f = tmp_path / "f"
    FileEdit(f, None, "a\n", "t", record={"created": True}).apply()
    assert install_record.get(f) == {"created": True}
    FileEdit(f, "a\n", "b\n", "t", record=KEEP).apply()
    assert install_record.get(f) == {"created": True}
    FileEdit(f, "b\n", None, "t", record=None).apply()
    assert install_record.get(f) is None


def test_removal_tidies_the_dirs_install_created_but_not_one_holding_more(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    (deep / "f").write_text("x")
    (tmp_path / "a" / "other").write_text("keep me")
    FileEdit(deep / "f", "x", None, "t", remove_dirs=[str(deep), str(tmp_path / "a")]).apply()
    assert not deep.exists() and (tmp_path / "a" / "other").read_text() == "keep me"


def test_a_backup_the_planner_found_redundant_is_dropped(tmp_path: Path) -> None:
    f = tmp_path / "settings.json"
    f.write_text('{"b": 1, "a": 2}\n')
    fileops.backup_path(f).write_text('{"a": 2, "b": 1}\n')
    FileEdit(f, '{"b": 1, "a": 2}\n', '{"a": 2, "b": 1}\n', "t", drop_backup=True).apply()
    assert f.read_text() == '{"a": 2, "b": 1}\n' and not fileops.backup_path(f).exists()


def test_a_plan_stops_at_its_first_failed_write_and_says_what_was_not_written(tmp_path: Path) -> None:
    ok, ro_dir = tmp_path / "ok", tmp_path / "ro"
    ro_dir.mkdir()
    ro_dir.chmod(0o555)
    later = tmp_path / "later"
    plan = Plan("t")
    plan.edits = [FileEdit(ok, None, "1\n", "t"), FileEdit(ro_dir / "f", None, "2\n", "t"), FileEdit(later, None, "3\n", "t")]
    try:
        plan.apply()
    finally:
        ro_dir.chmod(0o755)
    assert plan.written == 1 and plan.failed and "read-only" in plan.error
    assert ok.exists() and not later.exists()
    lines = installer.outcome([plan])
    assert any("FAILED" in line for line in lines) and f"  not written: {later}" in lines
    assert lines[-1] == "done: 1 created"


def test_tree_removal_is_planned_as_a_snapshot(tmp_path: Path) -> None:
    d = tmp_path / "state"
    d.mkdir()
    (d / "state.json").write_text("{}")
    plan = Plan("data")
    plan.edits.append(TreeRemoval(d, "state"))
    assert plan.changed and plan.edits[0].status == REMOVED
    plan.apply()
    assert not d.exists() and installer.outcome([plan])[-1] == "done: 1 removed"


@pytest.mark.parametrize("name", installer.NAMES)
def test_every_target_implements_the_interface_and_planning_writes_nothing(isolated_home: Path, name: str) -> None:
    """present, plan_install, plan_uninstall, checks; and a plan is only a plan until applied."""
    (isolated_home / ".claude").mkdir()
    (isolated_home / ".claude/settings.json").write_text(json.dumps({"theme": "dark"}))
    (isolated_home / ".codex").mkdir()
    (isolated_home / ".bashrc").write_text("alias ll='ls -l'\n")
    target = installer.target(name)
    assert isinstance(target.present(), bool)
    assert all(callable(fn) and isinstance(n, str) for n, fn in target.checks())
    options = Options(load(), shell="bash")
    before = snapshot(isolated_home)
    plan = target.plan_install(options)
    assert isinstance(plan, Plan) and not plan.error, plan.error
    assert snapshot(isolated_home) == before
    plan.apply()
    assert not plan.failed, plan.error
    assert (snapshot(isolated_home) != before) == plan.changed
    installed = snapshot(isolated_home)
    undo = target.plan_uninstall(options)
    assert isinstance(undo, Plan) and snapshot(isolated_home) == installed
    undo.apply()
    assert snapshot(isolated_home) == before
