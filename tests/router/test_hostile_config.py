"""A cloned repository is untrusted input: its .route.toml can never stall a prompt, nor be planted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.hookrun import output, prompt_payload, run_hook

from routing.core import config, errorlog, paths
from routing.router import guard
from routing.router.classify import classify
from routing.router.rules import compile_rules

EVIL = r"^(\w+\s?)*$"  # catastrophic on Python's re: 2^n paths on a prompt that ends in a non-word
PROMPT = "please refactor the payment service so retries are idempotent and tested!"  # 68+ chars, ends in "!"


def repo(tmp_path: Path, toml: str) -> Path:
    root = tmp_path / "cloned"
    (root / ".git").mkdir(parents=True)
    (root / ".route.toml").write_text(toml)
    return root


def route(*args: str, cwd: Path, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "routing", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


HOSTILE = {
    "rule regex": f"[[rules]]\nname = 'evil'\ntier = 'opus'\nregex = ['{EVIL}']\n",
    "signal regex": f"[signals.design]\nadd_regex = ['{EVIL}']\n",
    "nested regex": "[[rules]]\nname = 'evil2'\ntier = 'opus'\nregex = ['(a|aa)*(b|bb)*x', '((\\w+)*)+!!']\n",
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_catastrophic_regex_in_a_repository_costs_the_hook_milliseconds(tmp_path: Path, case: str) -> None:
    """Was: over 30 s per prompt on Python's re, so Claude Code killed the hook at its timeout."""
    root = repo(tmp_path, HOSTILE[case])
    t0 = time.monotonic()
    proc = run_hook("user_prompt_submit.py", prompt_payload(PROMPT + " " + "x" * 40 + "!", cwd=str(root)),
                    timeout=20)
    assert time.monotonic() - t0 < 10
    output(proc)  # exit 0, quiet
    # And in-process, the classification itself is fast (the rules compile once, then match linearly).
    cfg = config.load(str(root), strict=False)
    t0 = time.perf_counter()
    for _ in range(20):
        guard.classify_for("word " * 200 + "!", None, cfg, "test")
    assert (time.perf_counter() - t0) / 20 < 0.5


def test_codex_route_in_a_hostile_repository_answers_at_once(tmp_path: Path) -> None:
    """Was: `codex "<prompt>"` froze bash, zsh and fish for over 20 s (the wrapper has no time limit)."""
    root = repo(tmp_path, HOSTILE["rule regex"])
    proc = route("shell-call", "codex", "auto", "--", PROMPT, cwd=root)
    assert proc.returncode == 0 and proc.stdout.strip() in ("haiku", "sonnet", "opus"), proc.stderr
    hint = route("shell-hint", f"codex '{PROMPT}'", cwd=root)
    assert hint.returncode == 0


def test_route_config_check_names_the_refused_rule(tmp_path: Path) -> None:
    root = repo(tmp_path, "[[rules]]\nname = 'backref'\ntier = 'opus'\nregex = ['(ab)\\1']\n")
    proc = route("config", "check", cwd=root)
    assert proc.returncode == 1
    assert "backref" in proc.stderr and "refused" in proc.stderr
    # A hook in that repository uses the built-in rules, and says why in errors.log.
    output(run_hook("user_prompt_submit.py", prompt_payload(PROMPT, cwd=str(root))))
    assert "backref" in Path(errorlog.log_path()).read_text()


def test_a_linear_time_regex_rule_still_applies(tmp_path: Path) -> None:
    root = repo(tmp_path, f"[[rules]]\nname = 'ledger'\ntier = 'opus'\nregex = ['payments?\\\\s+ledger', '{EVIL}']\n")
    cfg = config.load(str(root))
    assert route("config", "check", cwd=root).returncode == 0
    assert guard.classify_for("rename a variable in the payment ledger module", None, cfg, "test").tier == "opus"
    assert guard.classify_for("rename a variable in utils.py", None, cfg, "test").tier != "opus"


def test_an_oversized_config_file_is_not_read(tmp_path: Path) -> None:
    """Was: 5.5 MB of extra words cost 17.5 s per prompt."""
    words = ", ".join(f"'word{i}'" for i in range(8000))
    root = repo(tmp_path, f"[signals.design]\nadd_words = [{words}]\n")
    cfg = config.load(str(root), strict=False)
    assert cfg.layers == [] and any("KB" in w for w in cfg.warnings)
    proc = route("config", "check", cwd=root)
    assert proc.returncode != 0 and "KB" in (proc.stderr + proc.stdout)


@pytest.mark.parametrize("toml, why", [
    ("[signals.design]\nadd_words = [" + ", ".join(f"'w{i}'" for i in range(600)) + "]\n", "at most 500"),
    ("[[rules]]\nname = 'long'\ntier = 'opus'\nsubstrings = ['" + "a" * 400 + "']\n", "at most 300"),
    ("".join(f"[[rules]]\nname = 'r{i}'\ntier = 'opus'\nregex = ['a{i}', 'b{i}']\n" for i in range(30)), "regexes"),
    ("".join(f"[[rules]]\nname = 'r{i}'\ntier = 'opus'\n" for i in range(101)), "at most 100"),
])
def test_lists_and_rules_are_capped(tmp_path: Path, toml: str, why: str) -> None:
    root = repo(tmp_path, toml)
    with pytest.raises(config.ConfigError, match=why):
        config.load(str(root))
    assert config.load(str(root), strict=False).layers == []  # a hook skips the file


def test_past_the_budget_the_built_in_rules_decide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(tmp_path, "[[rules]]\nname = 'all'\ntier = 'opus'\nregex = ['.']\n")
    cfg = config.load(str(root))
    ask = "where is parse_config defined?"
    assert guard.classify_for(ask, None, cfg, "test").tier == "opus"  # the rule applies in time
    monkeypatch.setattr(guard, "BUDGET_S", -1.0)  # every classification is over budget
    assert guard.classify_for(ask, None, cfg, "test").tier == classify(ask).tier
    assert "built-in rules used" in Path(errorlog.log_path()).read_text()


def test_built_in_rules_never_go_through_re2() -> None:
    rs = compile_rules([])
    assert all(type(rx).__name__ == "LazyPattern" for rx, _, _ in rs.regexes)
    code = "import sys; from routing.router.classify import classify; classify('hello'); print('re2' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


# -- where .route.toml is looked for ----------------------------------------------------


def test_a_route_toml_in_a_world_writable_directory_is_ignored(tmp_path: Path) -> None:
    """Was: a file in /tmp turned on enforce mode for root."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    (shared / ".route.toml").write_text("[claude]\nmode = 'enforce'\n")
    work = shared / "work"
    work.mkdir()
    assert paths.find_project_config_str(str(work)) is None
    assert config.load(str(work)).get("claude", "mode") == "suggest"


def test_a_route_toml_owned_by_another_user_is_ignored(tmp_path: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("needs root to give a file away")
    d = tmp_path / "proj"
    d.mkdir()
    f = d / ".route.toml"
    f.write_text("[claude]\nmode = 'enforce'\n")
    os.chown(f, 65534, 65534)
    assert paths.find_project_config_str(str(d)) is None
    os.chown(f, 0, 0)
    assert paths.find_project_config_str(str(d)) == str(f)


def test_the_search_stops_at_the_repository_root_and_at_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outer = tmp_path / "outer"
    inner = outer / "repo" / "src"
    inner.mkdir(parents=True)
    (outer / ".route.toml").write_text("[claude]\nmode = 'off'\n")
    assert paths.find_project_config_str(str(inner)) == str(outer / ".route.toml")
    (outer / "repo" / ".git").mkdir()
    assert paths.find_project_config_str(str(inner)) is None  # above the repository: not this repo's
    (outer / "repo" / ".git").rmdir()
    monkeypatch.setenv("HOME", str(outer / "repo"))
    assert paths.find_project_config_str(str(inner)) is None  # above $HOME: not the user's


def test_the_hook_payload_never_changes_what_is_stored(tmp_path: Path) -> None:
    root = repo(tmp_path, HOSTILE["rule regex"])
    proc = run_hook("user_prompt_submit.py", prompt_payload(PROMPT, cwd=str(root)))
    output(proc)
    from routing.state import store

    rec = store.read(json.loads(json.dumps(prompt_payload(PROMPT)))["session_id"])
    assert rec is not None and rec.prompt_total() == 1  # routed and counted, not killed at a timeout


def test_a_repositorys_rules_are_parsed_and_compiled_once_not_per_prompt(tmp_path: Path) -> None:
    """The TOML parse and the rule compile are cached by the file's identity and content."""
    root = repo(tmp_path, "[[rules]]\nname = 'ledger'\ntier = 'opus'\nwords = ['payments ledger']\n")
    ask = "rename a variable in the payments ledger module"
    assert guard.classify_for(ask, None, config.load(str(root), strict=False), "t").tier == "opus"
    cache = Path(paths.cache_dir_str())
    kinds = sorted(p.name.split("-")[0] for p in cache.iterdir() if p.name.startswith(("layer-", "userrules-")))
    assert kinds == ["layer", "userrules"]
    assert all((p.stat().st_mode & 0o777) == 0o600 for p in cache.iterdir() if p.is_file())
    # An edit is seen at once (size and mtime change the key) ...
    (root / ".route.toml").write_text("[[rules]]\nname = 'ledger'\ntier = 'haiku'\nwords = ['payments ledger']\n")
    assert guard.classify_for(ask, None, config.load(str(root), strict=False), "t").tier == "haiku"
    # ... a broken file stays broken from the cache ...
    (root / ".route.toml").write_text("[[rules]]\nname = 'x'\ntier = 'gpt'\n")
    for _ in range(2):
        with pytest.raises(config.ConfigError, match="tier must be one of"):
            config.load(str(root))
    # ... and a damaged cache entry is only a miss.
    for p in cache.iterdir():
        if p.name.startswith(("layer-", "userrules-")):
            p.write_bytes(b"\x00garbage")
    (root / ".route.toml").write_text("[[rules]]\nname = 'ledger'\ntier = 'opus'\nwords = ['payments ledger']\n")
    assert guard.classify_for(ask, None, config.load(str(root), strict=False), "t").tier == "opus"
