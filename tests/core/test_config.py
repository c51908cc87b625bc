"""Layered config: what wins, and how mistakes are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.core import config


def _user(home: Path, text: str) -> Path:
    p = home / ".config" / "modelroute" / "config.toml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def test_defaults_without_files() -> None:
    c = config.load()
    assert c.model_for("codex", "haiku") == "gpt-5-nano" and c.layers == []


def test_invalid_toml_names_file_and_line(isolated_home: Path) -> None:
    p = _user(isolated_home, '[claude]\nmode = "suggest"\nbroken = \n')
    with pytest.raises(config.ConfigError) as e:
        config.load()
    assert e.value.path == str(p) and e.value.line == 3  # str paths: the hooks never import pathlib


def test_wrong_type_and_bad_choice_are_reported_with_key(isolated_home: Path) -> None:
    _user(isolated_home, '[shell]\nhints = "yes"\n')
    with pytest.raises(config.ConfigError, match=r"line 2.*shell\.hints.*true or false"):
        config.load()
    _user(isolated_home, '[claude]\nmode = "loud"\n')
    with pytest.raises(config.ConfigError, match="suggest, off, enforce"):
        config.load()


def test_bad_rule_regex_is_caught_before_use(isolated_home: Path) -> None:
    _user(isolated_home, '[[rules]]\nname = "x"\ntier = "opus"\nregex = ["(unclosed"]\n')
    with pytest.raises(config.ConfigError, match="invalid regular expression"):
        config.load()


def test_lenient_load_skips_a_broken_layer_and_keeps_defaults(isolated_home: Path) -> None:
    _user(isolated_home, "this is not toml")
    c = config.load(strict=False)
    assert c.model_for("claude", "opus") == "opus"
    assert c.warnings and "config.toml" in c.warnings[0]


def test_project_file_is_found_walking_up(isolated_home: Path) -> None:
    (isolated_home / "a" / "b" / "c").mkdir(parents=True)
    (isolated_home / "a" / ".route.toml").write_text('[[rules]]\nname = "pay"\ntier = "opus"\nwords = ["ledger"]\n')
    c = config.load(cwd=str(isolated_home / "a" / "b" / "c"))
    assert len(c.rule_layers()) == 1
    from routing.router.classify import classify
    from routing.router.rules import rules_for

    assert classify("rename a field in the ledger model", rules=rules_for(c)).tier == "opus"


def test_user_signal_regex_tables_are_validated_and_applied(isolated_home: Path) -> None:
    _user(isolated_home, '[signals.security]\nadd_regex = [{pattern = "\\\\bhsm\\\\d+\\\\b", needs = ["hsm"]}]\n')
    c = config.load()
    from routing.router.classify import classify
    from routing.router.rules import rules_for

    assert any("security" in r for r in classify("audit the hsm2 setup", rules=rules_for(c)).reasons)
    _user(isolated_home, '[signals.security]\nadd_regex = [{needs = ["hsm"]}]\n')
    with pytest.raises(config.ConfigError, match="pattern"):
        config.load()
