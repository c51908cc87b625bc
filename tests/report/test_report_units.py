"""The report's pure parts: prices, deduplication, the routed what-if, the progress bar."""

from __future__ import annotations

import io
from datetime import timezone

import pytest

from routing.report import pricing
from routing.report import totals as report_model
from routing.report.dedup import dedup
from routing.report.scan import Progress
from routing.report.sources import INP, SIDE, SourceFile, entry

M = 1_000_000


@pytest.mark.parametrize("model, rates", [
    ("claude-opus-4-5", (5, 25, 6.25, 10, 0.50)),
    ("claude-opus-4-5-20251101", (5, 25, 6.25, 10, 0.50)),
    ("claude-sonnet-4-5", (3, 15, 3.75, 6, 0.30)),
    ("claude-haiku-4-5-20251001", (1, 5, 1.25, 2, 0.10)),
    ("us.anthropic.claude-haiku-4-5-20251001-v1:0", (1, 5, 1.25, 2, 0.10)),
    ("claude-3-5-haiku-20241022", (0.8, 4, 1, 1.6, 0.08)),
    ("claude-opus-4-1-20250805", (15, 75, 18.75, 30, 1.5)),
])
def test_prices_per_million_tokens_match_ccusage(model: str, rates: tuple) -> None:
    book = pricing.PriceBook()
    _key, p = book.resolve(model)
    assert p is not None and not book.warnings
    k = 100_000  # below the long-context threshold; x10 gives $ per million
    buckets = [(k, 0, 0, 0, 0), (0, k, 0, 0, 0), (0, 0, k, 0, 0), (0, 0, 0, k, 0), (0, 0, 0, 0, k)]
    assert [pytest.approx(10 * pricing.cost(p, *b)) for b in buckets] == list(rates)


def test_long_context_buckets_are_billed_marginally_above_200k() -> None:
    _key, p = pricing.PriceBook().resolve("claude-sonnet-4-5-20250929")
    assert pricing.cost(p, 300_000, 0, 0, 0, 0) == pytest.approx(200_000 * 3 / M + 100_000 * 6 / M)
    assert pricing.cost(p, 0, M, 0, 0, 0) == pytest.approx(21.0)  # ccusage 20.0.24: $21 for 1M output
    _key, opus = pricing.PriceBook().resolve("claude-opus-4-8")
    assert pricing.cost(opus, 300_000, 0, 0, 0, 0) == pytest.approx(1.5)  # no long-context tier


def test_unknown_model_is_priced_as_its_family_with_a_warning_never_zero() -> None:
    book = pricing.PriceBook()
    key, p = book.resolve("claude-opus-9-20300101")
    assert key == "claude-opus-4-8" and p is not None and pricing.cost(p, M, 0, 0, 0, 0) > 0
    assert "claude-opus-9-20300101" in book.warnings["claude-opus-9-20300101"]
    key, p = book.resolve("mystery-model")
    assert p is None and "not counted" in book.warnings["mystery-model"]


def test_overrides_replace_fields_and_reject_nonsense() -> None:
    book = pricing.PriceBook({"claude-opus-4-8": {"input": 50}, "my-proxy-model": {"input": 2, "output": 4}})
    _k, p = book.resolve("claude-opus-4-8")
    assert (p.input, p.output) == (50, 25)
    _k, p = book.resolve("my-proxy-model")
    assert (p.input, p.output, p.cache_read) == (2, 4, 0.2) and not book.warnings
    for bad in ({"input": -1}, {"inptu": 1}, {"input": "1"}, 3):
        with pytest.raises(ValueError, match="report.prices.claude-opus-4-8"):
            pricing.PriceBook({"claude-opus-4-8": bad})
    with pytest.raises(ValueError, match="needs output"):
        pricing.PriceBook({"new-model": {"input": 1}})


def _e(mid, rid, sid="s", ts=1.0, inp=1, side=False, model="claude-opus-4-5", routed=None, switch=False, cr=0, file=0):
    return entry(mid, rid, sid, ts, model, inp, 0, 0, 0, cr, side, routed, switch, file)


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
    assert sum(e[INP] for e in kept) == 1 + 10 + 200 + 2000 + 10_000 + 200_000 + 2 * M


def test_dedup_prefers_the_main_chain_copy() -> None:
    kept = dedup([_e("msg_k", "req_k", side=True), _e("msg_k", "req_k", side=False)])
    assert len(kept) == 1 and kept[0][SIDE] is False


def _build(entries):
    files = [SourceFile("claude", "/x.jsonl", "p", "s")]
    return report_model.build(entries, files, pricing.PriceBook(), timezone.utc, "UTC")


def test_routed_what_if_prices_turns_at_the_routed_tier_and_charges_switches() -> None:
    e1 = _e("m1", "r1", model="claude-opus-4-8", routed="haiku", inp=M, cr=M)
    e2 = _e("m2", "r2", model="claude-opus-4-8", routed="opus", switch=True, inp=M, cr=M)
    rep = _build([e1, e2])
    sc = {s["name"]: s for s in rep["what_if"]["scenarios"]}
    haiku = 1 + 0.1  # $1/M input, $0.10/M cache read
    opus_switched = 5 + 5  # the switch turn's cache reads are billed at the $5/M input rate
    assert sc["routed"]["cost"] == pytest.approx(haiku + opus_switched)
    assert sc["routed"]["switches"] == 1 and sc["routed"]["switch_cost"] == pytest.approx(5 - 0.5)
    assert sc["all_opus"]["cost"] == pytest.approx(2 * 5.5)
    assert sc["all_sonnet"]["cost"] == pytest.approx(2 * 3.3)
    assert sc["routed"]["saving_vs_all_opus"] == pytest.approx(11 - 11.1)
    assert sc["actual"]["cost"] == rep["totals"]["cost"]


def test_unrouted_responses_keep_their_own_tier() -> None:
    rep = _build([_e("m1", "r1", model="claude-haiku-4-5", inp=M)])
    sc = {s["name"]: s for s in rep["what_if"]["scenarios"]}
    assert sc["routed"]["cost"] == pytest.approx(1.0) == sc["actual"]["cost"]


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


def test_long_context_rates_on_a_what_if_model_are_applied_per_response() -> None:
    book = pricing.PriceBook({"claude-opus-4-8": {"long_input": 10, "long_output": 37.5}})
    files = [SourceFile("claude", "/x.jsonl", "p", "s")]
    entries = [_e("m1", "r1", model="claude-haiku-4-5", inp=300_000), _e("m2", "r2", model="claude-haiku-4-5", inp=300_000)]
    rep = report_model.build(entries, files, book, timezone.utc, "UTC")
    sc = {s["name"]: s for s in rep["what_if"]["scenarios"]}
    # each response: 200k at $5/M + 100k at $10/M = $2.00; summed tokens would have given $5.00
    assert sc["all_opus"]["cost"] == pytest.approx(4.0)


def test_streamed_totals_follow_a_copy_that_replaces_an_earlier_one() -> None:
    from routing.report.dedup import Dedup

    files = [SourceFile("claude", "/a/agent.jsonl", "p", "side"), SourceFile("claude", "/b.jsonl", "p", "main")]
    side = _e("msg_k", "req_k", sid="s", side=True, inp=100, file=0)
    main = _e("msg_k", "req_k", sid="s", side=False, inp=100, file=1)
    groups = report_model.Groups(pricing.PriceBook())
    d = Dedup(groups.add, groups.remove)
    d.extend([side])
    d.extend([main])  # the main-chain copy wins and takes the count with it
    rep = report_model.build_groups(groups, files, "UTC", view="session")
    assert rep["totals"]["requests"] == 1 and rep["totals"]["input_tokens"] == 100
    assert [s["session_id"] for s in rep["sessions"]] == ["main"]
    assert d.kept == [main]
