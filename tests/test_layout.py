"""The package map is the architecture: who may import whom, checked on the source.

A short walk over every module's imports (including the ones inside functions,
which is where the hot paths hide theirs):
- core imports nothing of ours;
- router, state and edits import only core;
- an integration (claude, shell, codex, cursor, report) imports core, router, state and
  edits, never another integration; report reads Claude Code's and Codex's
  homes only through their `home` modules;
- every package's __init__.py is a docstring and nothing else, so importing one
  module of a package costs the hooks nothing more.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "routing"
FOUNDATION = {"core"}
LOWER = {"router", "state", "edits"}
INTEGRATIONS = {"claude", "shell", "codex", "cursor", "report"}
# The one door from an integration into another: where that tool keeps its files.
HOMES = {"routing.claude.home", "routing.codex.home"}


def ours(module: Path) -> list[tuple[int, str]]:
    """(line, imported routing.* module) for every import in a file."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "routing"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "routing":
                continue
            if node.module == "routing" or node.module.count(".") == 1:
                # `from routing.core import paths` imports routing.core.paths
                found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def package_of(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else ""


def allowed(src_pkg: str, target: str) -> bool:
    dst = package_of(target)
    if dst == src_pkg or target == "routing.__version__":
        return True
    if src_pkg in FOUNDATION:
        return False
    if src_pkg in LOWER:
        return dst in FOUNDATION
    if src_pkg in INTEGRATIONS:
        return dst in FOUNDATION | LOWER or (src_pkg == "report" and target in HOMES)
    return True  # the top: cli, install, doctor and the commands wire everything


MODULES = sorted(p for p in PKG.rglob("*.py") if "__pycache__" not in p.parts and "_hooks" not in p.parts)


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_imports_follow_the_package_map(module: Path) -> None:
    rel = module.relative_to(PKG)
    src_pkg = rel.parts[0] if len(rel.parts) > 1 else ""
    bad = [f"line {n}: {t}" for n, t in ours(module) if not allowed(src_pkg, t)]
    assert not bad, f"{rel} ({src_pkg or 'top'}) may not import: " + "; ".join(bad)


@pytest.mark.parametrize("init", sorted(PKG.rglob("__init__.py")), ids=lambda p: str(p.relative_to(PKG)))
def test_package_inits_hold_only_a_docstring(init: Path) -> None:
    body = ast.parse(init.read_text(encoding="utf-8")).body
    extra = [n for n in body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    if init.parent == PKG:  # routing/__init__.py also carries the version
        extra = [n for n in extra if not (isinstance(n, ast.Assign) and n.targets[0].id == "__version__")]
    assert not extra, f"{init.relative_to(PKG)} should be a docstring only"


def test_the_checker_sees_a_violation() -> None:
    assert not allowed("core", "routing.router.classify")
    assert not allowed("claude", "routing.shell.detect")
    assert allowed("report", "routing.claude.home") and not allowed("report", "routing.claude.install")
    assert ("3", "routing.core.paths") != ours(PKG / "core" / "paths.py")


def test_the_hook_scripts_keep_the_paths_users_settings_point_at() -> None:
    """settings.json holds `<site-packages>/routing/_hooks/<name>.py`: a renamed script is a
    missing file, and Python's exit 2 for it blocks every prompt in Claude Code."""
    from routing.claude.merge import OUR_SCRIPTS

    # Scripts may be added, never renamed or removed.
    assert set(OUR_SCRIPTS) >= {"user_prompt_submit.py", "pre_tool_use.py", "session_start.py",
                                "session_end.py", "status_line.py"}
    for script in OUR_SCRIPTS:
        assert (PKG.parent / "hooks" / script).is_file(), script
    pyproject = (PKG.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '"hooks" = "routing/_hooks"' in pyproject


def test_no_local_cache_or_environment_is_committed() -> None:
    """`.cache` (a worktree's symlink to the shared tool cache) once got committed: merged, it replaced
    the real cache dir, which git counts as ignored and so expendable, with a link to itself."""
    import shutil
    import subprocess

    if shutil.which("git") is None or not (PKG.parent / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files", "--", ".cache", ".venv", "test-artifacts"], cwd=PKG.parent,
                             capture_output=True, text=True, check=True).stdout.split()
    assert tracked == []
