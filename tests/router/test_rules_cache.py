"""A rule set read back from the marshal cache routes exactly like the one compiled from rules.json.

The cache keeps the phrase tables in shards and a set read from it loads only
the shards its first prompt needs (a hook routes one prompt), then the rest.
"""

from __future__ import annotations

import marshal

import pytest
from support.labeled import all_prompts

from routing.router import rules
from routing.router.classify import classify
from routing.router.decision import Context

PROMPTS = all_prompts()
CTX = Context("sonnet", ["sonnet", "opus"], 1, "answer")


def decided(prompt: str, rs: rules.RuleSet) -> tuple:
    trace: dict = {}
    d = classify(prompt, CTX, rs, trace=trace)
    return d.tier, d.kind, d.confidence, d.intent, tuple(d.reasons), repr(sorted(trace.items()))


@pytest.fixture(scope="module")
def compiled() -> rules.RuleSet:
    data = rules.builtin_data()
    return rules.RuleSet(data["signals"], data.get("rules", ()))


def cached(rs: rules.RuleSet) -> rules.RuleSet:
    return rules.RuleSet(state=marshal.loads(marshal.dumps(rs.state())))


def test_each_prompt_first_in_a_process_routes_as_with_every_phrase_loaded(compiled: rules.RuleSet) -> None:
    blob = marshal.dumps(compiled.state())
    for prompt in PROMPTS[::3]:
        fresh = rules.RuleSet(state=marshal.loads(blob))  # a hook: this prompt is its only one
        assert decided(prompt, fresh) == decided(prompt, compiled), prompt


def test_a_cached_set_routes_many_prompts_as_the_compiled_one(compiled: rules.RuleSet) -> None:
    rs = cached(compiled)
    assert [decided(p, rs) for p in PROMPTS] == [decided(p, compiled) for p in PROMPTS]
    assert rs.phrases == compiled.phrases and rs.lengths == compiled.lengths  # all loaded by now


def test_the_first_prompt_loads_only_its_words_shards(compiled: rules.RuleSet) -> None:
    rs = cached(compiled)
    phrases, _ = rs.tables(["find", "the", "race"])
    assert ("race", "condition") in phrases
    assert len(phrases) < len(compiled.phrases) / 10
    assert rs.tables(["other"])[0] == compiled.phrases


def test_a_cached_set_writes_back_the_same_cache(compiled: rules.RuleSet) -> None:
    rs = cached(compiled)
    assert rs.state() == compiled.state()
    rs.tables(["find", "the", "race"])
    classify("anything at all, in 日本語 too", None, rs)
    assert rs.state() == compiled.state()


@pytest.mark.parametrize("damage", [lambda s: s[:-1], lambda s: (s[0], ("x",) * rules.SHARDS, *s[2:]),
                                    lambda s: (s[0], s[1], "not bytes", *s[3:])])
def test_a_cache_of_another_shape_is_refused(compiled: rules.RuleSet, damage) -> None:
    with pytest.raises(ValueError):
        rules.RuleSet(state=damage(compiled.state()))
