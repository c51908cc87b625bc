"""How a hook starts: `python -S`, the package found from the script's own place, `site` only on demand.

-S saves a quarter of the interpreter's start-up before every prompt; these
tests hold the other half of that bargain: nothing a hook needs goes missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from support.hookrun import HOOKS, SID, prompt_payload
from support.tools import ROOT

from routing.claude.merge import NO_SITE, command_for, hook_argv
from routing.state import store as state

LEDGER_RULE = "[[rules]]\nname = 'ledger'\ntier = 'opus'\nregex = ['payments?\\s+ledger']\n"
LEDGER_PROMPT = "rename a variable in the payment ledger module"


def hook(script: Path, payload: dict, *flags: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, *flags, str(script)], input=json.dumps(payload).encode(), cwd=cwd,
                          env=dict(env, MODELROUTE_SYNC_STATE="1"), capture_output=True, timeout=60)


def loaded_site(proc: subprocess.CompletedProcess) -> bool:
    """Did `site` run? Read from -X importtime's lines on stderr."""
    return "site" in imported(proc)


def imported(proc: subprocess.CompletedProcess) -> set[str]:
    """The modules -X importtime saw imported (its lines on stderr)."""
    return {line.rsplit("|", 1)[1].strip() for line in proc.stderr.decode().splitlines() if line.startswith("import time:")}


def decided_tier() -> str:
    rec = state.read(SID)
    assert rec is not None, "the hook recorded nothing"
    return rec.last_decision["tier"]


def test_installed_commands_start_the_interpreter_without_site(tmp_path: Path) -> None:
    script = tmp_path / "user_prompt_submit.py"
    argv = hook_argv(command_for(script, "/venv/bin/python3"))
    assert argv == ["/venv/bin/python3", NO_SITE, str(script)]


def test_an_ordinary_prompt_never_runs_site(tmp_path: Path) -> None:
    proc = hook(HOOKS / "user_prompt_submit.py", prompt_payload("where is parse_config defined?"), "-S", "-X",
                "importtime", cwd=tmp_path)
    assert proc.returncode == 0 and decided_tier() == "haiku", proc.stderr.decode()[-2000:]
    assert not loaded_site(proc)


def test_a_dependency_only_site_knows_is_found_on_demand(tmp_path: Path) -> None:
    """A repository's regex rule needs google-re2, which only `site` puts on sys.path."""
    probe = subprocess.run([sys.executable, "-S", "-c", "import re2"], cwd=tmp_path, capture_output=True,
                           env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert probe.returncode != 0, "re2 is importable without site here: this test would prove nothing"
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".route.toml").write_text(LEDGER_RULE)
    proc = hook(HOOKS / "user_prompt_submit.py", prompt_payload(LEDGER_PROMPT, cwd=str(repo)), "-S", "-X",
                "importtime", cwd=repo)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert loaded_site(proc) and decided_tier() == "opus"


def test_a_wheels_layout_finds_its_own_package_without_site(tmp_path: Path) -> None:
    """settings.json runs `<site-packages>/routing/_hooks/NAME.py`: the package is the script's grandparent."""
    site_packages = tmp_path / "site-packages"
    shutil.copytree(ROOT / "routing", site_packages / "routing", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(HOOKS, site_packages / "routing" / "_hooks", ignore=shutil.ignore_patterns("__pycache__"))
    script = site_packages / "routing" / "_hooks" / "user_prompt_submit.py"
    proc = hook(script, prompt_payload("where is parse_config defined?"), "-S", "-X", "importtime", cwd=tmp_path)
    assert proc.returncode == 0 and decided_tier() == "haiku", proc.stderr.decode()[-2000:]
    assert not loaded_site(proc)
    assert "routing" in imported(proc)


def test_a_command_written_before_S_still_routes(tmp_path: Path) -> None:
    proc = hook(HOOKS / "user_prompt_submit.py", prompt_payload("where is parse_config defined?"), cwd=tmp_path)
    assert proc.returncode == 0 and decided_tier() == "haiku", proc.stderr.decode()
