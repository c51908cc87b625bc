"""The router's plain-string scanning finds exactly what the regexes it stands in for find.

The hooks classify without importing `re` (routing.router.textscan, names,
prompt_text, routing.claude.live_model), while processes that
have `re` loaded use it for words. Every plain version is held here to its
regex on arbitrary Unicode and on text generated to match, so the two paths
cannot route a prompt differently.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.labeled import all_prompts, corpus_rows
from support.tools import ROOT

from routing.claude import live_model
from routing.router import names, prompt_text, rules, textscan
from routing.router.classify import classify
from routing.router.decision import Context

RULES = json.loads((ROOT / "routing" / "router" / "rules.json").read_text(encoding="utf-8"))
RULE_REGEXES = [r for sig in RULES["signals"].values() for r in sig.get("regex", ()) if isinstance(r, dict)]
RULE_FLAGS = re.IGNORECASE | re.MULTILINE


def texts(alphabet: str) -> st.SearchStrategy[str]:
    """Arbitrary Unicode, and text drawn mostly from the characters a pattern cares about."""
    return st.text() | st.text(alphabet=st.sampled_from(alphabet) | st.characters(), max_size=60)


def pieces(*parts: str) -> st.SearchStrategy[str]:
    """Text strung together from the fragments a scanner looks for, and stray characters."""
    return st.lists(st.sampled_from(parts) | st.characters(), max_size=12).map("".join)


def near(pattern: str, flags: int = 0, alphabet: str = " \n.,") -> st.SearchStrategy[str]:
    """Text that contains a match, and text that contains one with a few characters changed."""
    matching = st.from_regex(re.compile(pattern, flags))
    edited = st.tuples(matching, st.lists(st.tuples(st.integers(0, 200), st.sampled_from(alphabet)), max_size=3)).map(
        lambda t: _edit(*t))
    return matching | edited | texts(alphabet)


def _edit(text: str, edits: list[tuple[int, str]]) -> str:
    for at, c in edits:
        i = at % (len(text) + 1)
        text = text[:i] + c + text[i + 1 :]
    return text


def test_flag_values_are_re_s() -> None:
    assert (rules.IGNORECASE, rules.MULTILINE, rules.DOTALL) == (re.IGNORECASE, re.MULTILINE, re.DOTALL)


# -- words ----------------------------------------------------------------------------------------


@settings(max_examples=400)
@given(texts("ab_1é'’ .\n-ü"))
def test_the_plain_tokenizer_gives_re_s_tokens_and_spans(text: str) -> None:
    want = [m.span() for m in re.finditer(textscan.WORD, text)]
    assert textscan._scan(text) == want
    assert textscan.word_spans(text) == want  # `re` is loaded here: the C engine
    assert textscan.words(text) == re.findall(textscan.WORD, text)


def test_without_re_the_tokenizer_scans_in_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textscan, "_c_engine", lambda: None)
    text = "what's the diff’s cause? it_works, 'quoted' x'  d'’e"
    assert textscan.words(text) == re.findall(textscan.WORD, text)
    assert textscan.word_spans(text) == [m.span() for m in re.finditer(textscan.WORD, text)]


EVERY_CHARACTER = "".join(map(chr, range(0x110000)))


def test_the_character_classes_are_re_s() -> None:
    for cls, test in ((r"\w", textscan.is_word), (r"\d", str.isdecimal), (r"\s", str.isspace)):
        assert [m.start() for m in re.finditer(cls, EVERY_CHARACTER)] == [
            i for i, c in enumerate(EVERY_CHARACTER) if test(c)], cls


def test_fold_makes_plain_comparison_case_insensitive_like_re() -> None:
    # Every character that IGNORECASE equates with an ASCII letter, as lower() leaves it, folds to that letter.
    letters = re.compile("[a-z]", re.IGNORECASE)
    for c in EVERY_CHARACTER[0x80:]:
        low = c.lower()
        if len(low) == 1 and letters.fullmatch(low):
            assert [x for x in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(x, low, re.I)] == [textscan.fold(low)]


@given(texts("0١٢३ a"))
def test_has_digit_is_re_s_digit(text: str) -> None:
    assert textscan.has_digit(text) == bool(re.search(r"\d", text))


# -- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize("i", range(len(names.PATTERNS)))
@settings(max_examples=150)
@given(data=st.data())
def test_each_name_scan_finds_its_pattern_s_spans(i: int, data: st.DataObject) -> None:
    pattern = names.PATTERNS[i]
    text = data.draw(near(pattern, alphabet="a_/.@~-()` x-9é"))
    assert names.MATCHERS[i][1](text) == [m.span() for m in re.finditer(pattern, text)]


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from("ab_/.@~-()` \npy.md-x") | st.characters(), max_size=80))
def test_masking_names_is_the_patterns_applied_in_order(text: str) -> None:
    low = text.lower()
    want = low
    for (may_hold, _), pattern in zip(names.MATCHERS, names.PATTERNS):
        if may_hold(want):
            want = re.sub(pattern, lambda m: "_" * len(m.group(0)), want)
    assert names.mask(low) == want


# -- pasted material ------------------------------------------------------------------------------


@given(texts("`a\n ") | pieces("```", "`", "a", "\n"))
def test_fences_are_cut_as_re_sub_cuts_them(text: str) -> None:
    pasted: list[str] = []
    assert prompt_text._fences(text, pasted) == re.sub(prompt_text.FENCE, "\n", text, flags=re.S)
    assert pasted == re.findall(prompt_text.FENCE, text, flags=re.S)


@given(near(prompt_text.DIFF, re.M, alphabet="-+@d 1\na/b"))
def test_diff_detection_is_the_pattern_s(text: str) -> None:
    assert prompt_text._is_diff(text) == bool(re.search(prompt_text.DIFF, text, re.M))


@settings(max_examples=300)
@given(near(prompt_text._TRACE.source, re.M, alphabet="E at\n\t:Error"))
def test_a_trace_is_searched_for_whenever_it_can_match(text: str) -> None:
    if re.search(prompt_text._TRACE.source, text, re.M):
        assert prompt_text._may_be_trace(text)
    assert bool(prompt_text._TRACE.search(text)) == bool(re.search(prompt_text._TRACE.source, text, re.M))


def test_a_paste_is_still_told_apart() -> None:
    assert prompt_text.split("why?\n```\nx = 1\n```")[1] == "code"
    assert prompt_text.split("why?\n\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@")[1] == "diff"
    assert prompt_text.split("why?\n\nTraceback (most recent call last):\n  File \"x.py\", line 3")[1] == "trace"
    assert prompt_text.split("why?\n\n    at Foo.bar(Foo.java:12)")[1] == "trace"


# -- rules.json -----------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", [r for r in RULE_REGEXES if "requires" in r], ids=lambda r: r["pattern"][:40])
@settings(max_examples=40)
@given(data=st.data())
def test_every_match_of_a_rule_pattern_meets_its_requires(entry: dict, data: st.DataObject) -> None:
    text = data.draw(near(entry["pattern"], RULE_FLAGS, alphabet=" \n0.,!?ıſ")).lower()  # the router reads lowercase
    requires = tuple(tuple(g) for g in entry["requires"])
    if re.search(entry["pattern"], text, RULE_FLAGS):
        assert rules.meets(requires, textscan.fold(text)), text


@pytest.mark.parametrize("key", list(textscan.PLAIN), ids=lambda k: k[0][:40])
@settings(max_examples=150)
@given(data=st.data())
def test_each_plain_pattern_finds_the_span_re_finds(key: tuple[str, int], data: st.DataObject) -> None:
    pattern, flags = key
    text = data.draw(near(pattern, flags, alphabet=" \n\t0.5sımſ>→-_")).lower()
    m = re.search(pattern, text, flags)
    assert textscan.PLAIN[key](textscan.fold(text)) == (m.span() if m else None)


def test_plain_patterns_are_the_ones_in_rules_json() -> None:
    # An edited pattern would silently fall back to `re`: its function must be updated with it.
    sources = {r["pattern"] for r in RULE_REGEXES}
    assert {p for p, _ in textscan.PLAIN} <= sources
    for group in textscan.HOW_TO_CHANGE_WORDS:  # what _then_words relies on
        assert not [(a, b) for a in group for b in group if a != b and b.startswith(a)]


def test_a_lazy_pattern_compiles_only_when_its_requires_are_met() -> None:
    p = rules.LazyPattern(r"\bfoo\d", rules.IGNORECASE, requires=[["foo"], ["\\d"]])
    assert p.search("no match here") is None and p._rx is None
    assert p.search("so foo1").span() == (3, 7) and p._rx


def test_plain_and_c_words_route_every_labeled_prompt_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    prompts = all_prompts()
    ctx = Context("sonnet", ["sonnet"], 0, "edit")

    def decide() -> list[tuple]:
        out = []
        for p in prompts:
            trace: dict = {}
            d = classify(p, ctx, trace=trace)
            out.append((d.tier, d.kind, d.confidence, d.intent, tuple(d.reasons), repr(sorted(trace.items()))))
        return out

    with_re = decide()
    monkeypatch.setattr(textscan, "_c_engine", lambda: None)
    assert decide() == with_re


def test_most_real_prompts_route_without_compiling_a_regex(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each compile stands for `import re` in a hook (~6 ms): a weak gate added to rules.json shows here.
    compiled: set[str] = set()
    real = rules.LazyPattern._get
    monkeypatch.setattr(rules.LazyPattern, "_get", lambda self: compiled.add(self.source) or real(self))
    needing = 0
    rows = corpus_rows()
    for row in rows:
        compiled.clear()
        classify(row["prompt"])
        needing += bool(compiled)
    assert needing <= 0.1 * len(rows), f"{needing} of {len(rows)} real prompts compile a regex"


# -- the transcript's /model lines -----------------------------------------------------------------


@settings(max_examples=200)
@given(near(live_model.MODEL_ARGS, alphabet="<> \n") | pieces("<command-args>", "</command-args>", " ", "\n", "opus", "<"))
def test_command_args_are_the_pattern_s_group(text: str) -> None:
    m = re.search(live_model.MODEL_ARGS, text)
    assert live_model.command_args(text) == (m.group(1) if m else None)


@settings(max_examples=200)
@given(near(live_model.MODEL_SET, alphabet="\x1b[0;m<( \n")
       | pieces("<local-command-stdout>", "Set model to ", "\x1b[", "1;2", "m", "opus", " ", "<", "(", "\x1b"))
def test_model_set_is_the_pattern_s_group(text: str) -> None:
    m = re.search(live_model.MODEL_SET, text)
    assert live_model.model_set(text) == (m.group(1) if m else None)
