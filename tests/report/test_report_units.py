"""The report's pure parts: prices, deduplication, the policy replay of the what-if, the wording."""

from __future__ import annotations

import io
from datetime import date

import pytest

from routing.report import pricing, whatif
from routing.report.claude_log import Replay, _usage_numbers, prompt_text
from routing.report.dedup import dedup
from routing.report.records import DELEGATED, SWITCHED, Entry
from routing.report.render import saving_phrase
from routing.report.scan import Progress
from routing.report.sources import SourceFile, stable_key

M = 1_000_000
DAY_2026_11_01 = date(2026, 11, 1).toordinal() - 719163


@pytest.mark.parametrize("model, rates", [
    ("claude-opus-4-5", (5, 25, 6.25, 10, 0.50)),
    ("claude-opus-4-5-20251101", (5, 25, 6.25, 10, 0.50)),
    ("claude-sonnet-4-5", (3, 15, 3.75, 6, 0.30)),
    ("claude-haiku-4-5-20251001", (1, 5, 1.25, 2, 0.10)),
    ("us.anthropic.claude-haiku-4-5-20251001-v1:0", (1, 5, 1.25, 2, 0.10)),
    ("claude-3-5-haiku-20241022", (0.8, 4, 1, 1.6, 0.08)),
    ("claude-opus-4-1-20250805", (15, 75, 18.75, 30, 1.5)),
    # the families Claude Code uses today, from the vendor's pages (see pricing.SOURCES)
    ("claude-fable-5", (10, 50, 12.5, 20, 1.0)),
    ("claude-fable-5-1", (10, 50, 12.5, 20, 0.25)),
    ("claude-fable-5-2", (8, 40, 10, 16, 0.20)),
    ("claude-opus-5", (5, 25, 6.25, 10, 0.50)),
    ("claude-opus-5-5", (4, 20, 5, 8, 0.20)),
    ("claude-sonnet-5", (2, 10, 2.5, 4, 0.20)),
    ("claude-sonnet-5-5", (2, 10, 2.5, 4, 0.10)),
    ("claude-haiku-5-5", (0.10, 0.50, 0.125, 0.20, 0.01)),
])
def test_prices_per_million_tokens(model: str, rates: tuple) -> None:
    book = pricing.PriceBook()
    _key, p = book.resolve(model, DAY_2026_11_01)
    assert p is not None and not book.warnings
    k = 20_000  # below every long-context and band threshold; x50 gives $ per million
    buckets = [(k, 0, 0, 0, 0), (0, k, 0, 0, 0), (0, 0, k, 0, 0), (0, 0, 0, k, 0), (0, 0, 0, 0, k)]
    assert [pytest.approx(50 * pricing.cost(p, *b)) for b in buckets] == list(rates)


def test_every_row_cites_its_source() -> None:
    assert all(r.source in pricing.SOURCES for r in pricing.ROWS)
    assert all("read 2026-" in pricing.SOURCES[r.source] or r.source in ("ccusage", "openai") for r in pricing.ROWS)


def test_a_response_is_priced_by_the_row_in_force_on_its_day() -> None:
    book = pricing.PriceBook()
    before = date(2026, 10, 6).toordinal() - 719163
    _k, old = book.resolve("claude-sonnet-5-5", before)
    _k, new = book.resolve("claude-sonnet-5-5", before + 1)
    assert (old.cache_read, new.cache_read) == (0.20, 0.10) and old.input == new.input == 2


def test_haiku_5_5_bills_the_whole_request_at_the_band_rate_above_100k_prompt_tokens() -> None:
    _k, p = pricing.PriceBook().resolve("claude-haiku-5-5")
    assert pricing.cost(p, 50_000, M, 0, 0, 50_000) == pytest.approx(0.005 + 0.5 + 0.0005)
    # 100,001 prompt tokens: every token, output included, at the band's rates
    assert pricing.cost(p, 50_001, M, 0, 0, 50_000) == pytest.approx(50_001 * 0.5 / M + 2.5 + 50_000 * 0.05 / M)


def test_long_context_buckets_are_billed_marginally_above_200k() -> None:
    _key, p = pricing.PriceBook().resolve("claude-sonnet-4-5-20250929")
    assert pricing.cost(p, 300_000, 0, 0, 0, 0) == pytest.approx(200_000 * 3 / M + 100_000 * 6 / M)
    assert pricing.cost(p, 0, M, 0, 0, 0) == pytest.approx(21.0)  # ccusage 20.0.24: $21 for 1M output
    _key, opus = pricing.PriceBook().resolve("claude-opus-4-8")
    assert pricing.cost(opus, 300_000, 0, 0, 0, 0) == pytest.approx(1.5)  # no long-context tier


def test_unknown_model_is_priced_as_its_family_with_a_warning_never_zero() -> None:
    book = pricing.PriceBook()
    key, p = book.resolve("claude-opus-9-20300101")
    assert key == "claude-opus-5-5" and p is not None and pricing.cost(p, M, 0, 0, 0, 0) > 0
    assert "claude-opus-9-20300101" in book.warnings["claude-opus-9-20300101"]
    assert book.unknown == {"claude-opus-9-20300101"}
    key, p = book.resolve("mystery-model")
    assert p is None and "not counted" in book.warnings["mystery-model"]


def test_overrides_replace_fields_and_reject_nonsense() -> None:
    book = pricing.PriceBook({"claude-opus-4-8": {"input": 50}, "my-proxy-model": {"input": 2, "output": 4}})
    _k, p = book.resolve("claude-opus-4-8")
    assert (p.input, p.output) == (50, 25)
    _k, p = book.resolve("my-proxy-model")
    assert (p.input, p.output, p.cache_read) == (2, 4, 0.2) and not book.warnings
    assert book.fingerprint() != pricing.PriceBook().fingerprint()
    for bad in ({"input": -1}, {"inptu": 1}, {"input": "1"}, 3):
        with pytest.raises(ValueError, match="report.prices.claude-opus-4-8"):
            pricing.PriceBook({"claude-opus-4-8": bad})
    with pytest.raises(ValueError, match="needs output"):
        pricing.PriceBook({"new-model": {"input": 1}})


def test_cache_writes_missing_from_the_breakdown_count_as_5m_writes() -> None:
    exact = {"input_tokens": 1, "output_tokens": 2, "cache_read_input_tokens": 3, "cache_creation_input_tokens": 300,
             "cache_creation": {"ephemeral_5m_input_tokens": 100, "ephemeral_1h_input_tokens": 200}}
    assert _usage_numbers(exact) == (1, 2, 100, 200, 3)
    short = dict(exact, cache_creation={"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 200})
    assert _usage_numbers(short) == (1, 2, 100, 200, 3)  # ccusage 20.0.24 would count 200
    flat = {"input_tokens": 1, "output_tokens": 2, "cache_creation_input_tokens": 50}
    assert _usage_numbers(flat) == (1, 2, 50, 0, 0)


def _e(mid, rid, sid="s", ts=1.0, inp=1, side=False):
    key = None if mid is None else stable_key(mid, rid) if rid else stable_key(mid, "", sid)
    mkey = None if mid is None else stable_key(mid, "\x00", sid)
    return Entry(key, mkey, ts, "claude-opus-4-5", inp, 0, 0, 0, 0, side, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def test_dedup_follows_ccusage_rules() -> None:
    kept = dedup([
        _e("msg_a", "req_a", inp=1), _e("msg_a", "req_a", ts=5.0, inp=1),  # same response, two lines
        _e("msg_b", "req_b", sid="s1", inp=10), _e("msg_b", "req_b", sid="s2", inp=10),  # copied into a resumed session
        _e("msg_c", "req_c", inp=100), _e("msg_c", "req_c", inp=200),  # the bigger usage wins
        _e("msg_d", None, inp=1000), _e("msg_d", None, ts=9.0, inp=1000),  # no requestId: per session
        _e("msg_d", None, sid="other", inp=1000),
        _e("msg_g", "req_g1", inp=10_000), _e("msg_g", "req_g2", inp=10_000, side=True),  # sidechain replay
        _e("msg_h", "req_h1", inp=100_000), _e("msg_h", "req_h2", ts=2.0, inp=100_000, side=True),  # not a replay
        _e(None, "req_i", inp=M), _e(None, "req_i", inp=M),  # no message id: never a duplicate
    ])
    assert sum(e.inp for e in kept) == 1 + 10 + 200 + 2000 + 10_000 + 200_000 + 2 * M


def test_dedup_prefers_the_main_chain_copy() -> None:
    kept = dedup([_e("msg_k", "req_k", side=True), _e("msg_k", "req_k", side=False)])
    assert len(kept) == 1 and kept[0].side is False


def test_dedup_keys_are_stable_across_processes() -> None:
    import subprocess
    import sys

    code = "from routing.report.sources import stable_key; print(stable_key('msg_1', 'req_1'))"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout for _ in range(2)}
    assert runs == {f"{stable_key('msg_1', 'req_1')}\n"}


class Script:
    """A stand-in router: the tier, kind and intent of each prompt by its text."""

    def __init__(self, answers: dict[str, tuple[str, str, str]]) -> None:
        self.answers, self.calls, self.prevs = answers, [], []

    def __call__(self, text, current, recent, escalations, prev=None):
        self.calls.append((text, current))
        self.prevs.append(prev)
        return self.answers[text]


def _replay(answers, side=False, pinned=False):
    src = SourceFile("claude", "/p/s/subagents/agent-a.jsonl" if side else "/p/s.jsonl", "p", "s", side)
    script = Script(answers)
    return Replay(src, pricing.PriceBook(), script, None, pinned=lambda _p: pinned), script


TS = 1_790_000_000.0  # 2026-09-21, before the 5.5 models: tiers stand for opus-4-8, sonnet-5, haiku-4-5


def test_a_lookup_on_opus_is_priced_as_a_haiku_subagent_with_a_cold_cache() -> None:
    r, _ = _replay({"warm up": ("opus", "task", "design"), "where is foo?": ("haiku", "task", "lookup")})
    r.prompt("warm up")
    r.response(1, 1, TS, "claude-opus-4-8", 10, 100, 0, 0, 50_000, False)  # 50k of history in the cache
    r.prompt("where is foo?")
    e = r.response(2, 2, TS + 1, "claude-opus-4-8", 10, 100, 0, 0, 50_100, False)
    assert e.flags & DELEGATED
    opus = pricing.PriceBook().resolve("claude-opus-4-8")[1]
    haiku = pricing.PriceBook().resolve("claude-haiku-4-5")[1]
    history = 10 + 50_000 + 100  # the conversation when the prompt came: the last response's prompt and output
    relay = 2 * pricing.cost(opus, 500, 300, 0, 0, history)
    # low: the turn's new tokens (none above the history here) plus the subagent's 10k set-up, written cold
    assert e.auto_lo == pytest.approx(pricing.cost(haiku, 0, 100, 10_000, 0, 0) + relay)
    # high: as much context as the main thread read, all written cold, and 25% more output
    assert e.auto_hi == pytest.approx(pricing.cost(haiku, 0, 125, 50_110, 0, 0) + relay)
    assert e.overhead == pytest.approx(relay) and e.cost == pytest.approx(pricing.cost(opus, 10, 100, 0, 0, 50_100))


def test_following_suggestions_switches_only_where_the_hook_suggests_and_pays_the_re_read() -> None:
    r, _ = _replay({"a": ("sonnet", "task", "code"), "hard": ("opus", "task", "design"),
                    "b": ("sonnet", "task", "code")})
    r.prompt("a")
    first = r.response(1, 1, TS, "claude-sonnet-5", 10, 100, 0, 0, 200_000, False)
    assert first.fol_lo == first.cost and not first.flags & SWITCHED
    r.prompt("hard")  # up: the hook suggests /model opus
    up = r.response(2, 2, TS + 1, "claude-sonnet-5", 10, 100, 0, 0, 200_000, False)
    opus = pricing.PriceBook().resolve("claude-opus-4-8")[1]
    reread = 200_000 * (opus.cache_write_5m - opus.cache_read) / M
    assert up.flags & SWITCHED and up.reread == pytest.approx(reread)
    assert up.fol_hi == pytest.approx(pricing.cost(opus, 10, 100, 0, 0, 200_000) + reread)
    assert up.auto_lo == up.cost  # automatic: nobody switched
    # back to sonnet-level prompts: the hook waits for two in a row before suggesting down
    r.prompt("b")
    e = r.response(3, 3, TS + 2, "claude-sonnet-5", 10, 100, 0, 0, 200_000, False)
    assert not e.flags & SWITCHED and e.fol_lo == pytest.approx(pricing.cost(opus, 10, 80, 0, 0, 200_000))
    r.prompt("b")
    e = r.response(4, 4, TS + 3, "claude-sonnet-5", 10, 100, 0, 0, 200_000, False)
    sonnet = pricing.PriceBook().resolve("claude-sonnet-5")[1]
    assert e.flags & SWITCHED and e.reread == pytest.approx(200_000 * (sonnet.cache_write_5m - sonnet.cache_read) / M)


def test_switching_down_is_followed_when_the_conversation_is_short() -> None:
    r, _ = _replay({"x": ("opus", "task", "design"), "y": ("sonnet", "task", "code")})
    r.prompt("x")
    r.response(1, 1, TS, "claude-opus-4-8", 10, 100, 0, 0, 2_000, False)
    r.prompt("y")  # one prompt below the live tier: not yet (DOWN_STREAK is 2)
    e = r.response(2, 2, TS + 1, "claude-opus-4-8", 10, 100, 0, 0, 2_000, False)
    assert not e.flags & SWITCHED
    r.prompt("y")
    e = r.response(3, 3, TS + 2, "claude-opus-4-8", 10, 100, 0, 0, 2_000, False)
    assert e.flags & SWITCHED and e.fol_lo > e.cost  # the switch's first response re-reads the history
    e = r.response(4, 4, TS + 3, "claude-opus-4-8", 10, 100, 0, 0, 2_000, False)
    assert not e.flags & SWITCHED and e.fol_hi < e.cost  # and from then on sonnet is cheaper


def test_a_subagent_is_priced_at_its_tasks_routed_tier_unless_its_model_was_pinned() -> None:
    r, script = _replay({"find callers": ("haiku", "task", "lookup")}, side=True)
    r.prompt("find callers")
    e = r.response(1, 1, TS, "claude-opus-4-8", 10, 100, 1000, 0, 5000, True)
    haiku = pricing.PriceBook().resolve("claude-haiku-4-5")[1]
    assert e.auto_lo == pytest.approx(pricing.cost(haiku, 10, 100, 1000, 0, 5000)) == e.fol_lo
    assert script.calls == [("find callers", None)]  # routed as PreToolUse does: no session context
    r, _ = _replay({"find callers": ("haiku", "task", "lookup")}, side=True, pinned=True)
    r.prompt("find callers")
    e = r.response(1, 1, TS, "claude-opus-4-8", 10, 100, 1000, 0, 5000, True)
    assert e.auto_lo == e.cost


def test_the_next_prompt_is_read_in_the_light_of_what_the_last_turn_did() -> None:
    """As the hook does (routing.claude.last_turn): the tools the turn used and its last text."""
    import json

    from routing.report.claude_log import parse_claude
    from routing.report.sources import Parsed

    def user(text):
        return json.dumps({"type": "user", "message": {"role": "user", "content": text},
                           "timestamp": "2026-11-01T10:00:00.000Z"}, separators=(",", ":"))

    def assistant(i, blocks):
        return json.dumps({"type": "assistant", "timestamp": f"2026-11-01T10:00:0{i}.000Z", "requestId": f"r{i}",
                           "message": {"id": f"m{i}", "model": "claude-sonnet-5", "content": blocks,
                                       "usage": {"input_tokens": 1, "output_tokens": 1}}}, separators=(",", ":"))

    # Claude Code writes one line per content block, each repeating the usage: the Edit is on the second
    lines = [user("fix the bug"), assistant(1, [{"type": "text", "text": "Let me look."}]),
             assistant(1, [{"type": "tool_use", "id": "t", "name": "Edit", "input": {}}]),
             user("it still crashes"),
             assistant(2, [{"type": "text", "text": "Here is my plan: 1. split it. Shall I proceed?"}]),
             user("yes"), assistant(3, [{"type": "text", "text": "Done, it is split."}]),
             user("[Request interrupted by user]"), user("and the tests?")]
    r, script = _replay({"fix the bug": ("sonnet", "task", "code"), "it still crashes": ("sonnet", "escalate", ""),
                         "yes": ("sonnet", "continue", "continue"), "and the tests?": ("sonnet", "task", "code")})
    parse_claude(r.src, ("\n".join(lines) + "\n").encode(), Parsed(), r)
    assert script.prevs == [None, "edit", "plan", "error"]


def test_host_injected_turns_are_not_prompts() -> None:
    row = {"type": "user", "message": {"role": "user", "content": "<task-notification>\n<task-id>a</task-id>"}}
    assert prompt_text(row) is None
    assert prompt_text({"type": "user", "promptSource": "system", "message": {"content": "hello"}}) is None
    assert prompt_text({"type": "user", "origin": {"kind": "peer"}, "message": {"content": "hi"}}) is None
    assert prompt_text({"type": "user", "origin": {"kind": "human"}, "message": {"content": "fix it"}}) == "fix it"


def test_a_scenario_that_costs_more_says_why_never_a_bare_negative() -> None:
    sc = {"name": "follow", "saving_low": -2.0, "saving_high": -1.0, "saving_pct_low": -20.0,
          "saving_pct_high": -10.0, "why_more": "short sessions: the cache re-reads cost more"}
    text = saving_phrase(sc)
    assert text.startswith("costs $1.00 to $2.00 more: short sessions") and "-" not in text.split(":")[0]
    sc.update(saving_high=1.0, saving_pct_high=10.0)
    assert saving_phrase(sc).startswith("between saving $1.00 and costing $2.00 more: short")
    sc.update(saving_low=0.5, saving_pct_low=5.0, why_more=None)
    assert saving_phrase(sc) == "saves $0.50 to $1.00 (5.0% to 10.0%)"


def test_the_range_assumptions_are_the_constants_used() -> None:
    assert f"{whatif.SUBAGENT_BASE:,}" in whatif.RANGE_NOTE and f"{int(whatif.SPREAD_UP * 100)}%" in whatif.RANGE_NOTE


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_and_only_after_the_delay() -> None:
    quiet = io.StringIO()
    p = Progress(10, quiet, delay=0)
    p.update(5)
    p.close()
    assert quiet.getvalue() == ""
    tty = _Tty()
    p = Progress(10, tty, delay=3600)
    p.update(5)
    assert tty.getvalue() == ""
    p = Progress(10, tty, delay=0)
    p.update(5)
    assert "5/10" in tty.getvalue()
    p.close()
    assert tty.getvalue().endswith("\r")


@pytest.mark.parametrize("value", ["2000-01-01", "2024-02-29", "2026-02-29", "0999-12-31", "0000-01-01", "2000-13-01",
                                   "2000-1-01", "20000101", "２０００-01-01", "2000-01-32", "+200-01-01", "2000-01-+1"])
def test_report_dates_read_as_strptime_reads_them(value: str) -> None:
    """--since/--until skip strptime for plain YYYY-MM-DD; every other form, and every refusal, is its."""
    from routing.report.run import Refused, parse_date as _parse_date
    from datetime import datetime

    def strptime(v: str):
        for fmt in ("%Y-%m-%d", "%Y%m%d"):
            try:
                return datetime.strptime(v, fmt).date()
            except ValueError:
                pass
        return None

    try:
        got = _parse_date(value, "--since")
    except Refused:
        got = None
    assert got == strptime(value)
