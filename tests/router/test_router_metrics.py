"""The router measured on labeled prompts, against the product's thresholds.

Two sets: the shared dev set (../shared/routing-dev.jsonl, beside the checkout
in CI) and our own independently written set in tests/data. Thresholds, not
single answers: a rule change that helps one prompt and hurts three fails here.
"""

from __future__ import annotations


import pytest
from support.labeled import corpus_rows, read_jsonl
from support.tools import DATA, IN_CI, SHARED

# Just under the figures measured when they were last set (README: How well it routes); a refit on a
# grown corpus moves them both ways.
FLOORS = {
    "test": {"n": 3880, "accuracy": 0.665, "opus_recall": 0.58, "escalate_recall": 0.665},
    # Round 26 (1,109 training rows) is imported but not yet fitted, so the training split is partly
    # unseen: 0.925 / 0.947 / 0.909 on 9,846 rows. A refit raises these floors again.
    "train": {"n": 9800, "accuracy": 0.92, "opus_recall": 0.94, "escalate_recall": 0.90},
}

from routing.router.classify import classify
from routing.router.evaluate import evaluate, row_split, summary_line


def _dev_rows() -> list[dict]:
    path = SHARED / "routing-dev.jsonl"
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} missing: CI lays shared/ beside the checkout")
        pytest.skip("shared dev set not present")
    return read_jsonl(path)


def test_dev_set_meets_product_thresholds() -> None:
    r = evaluate(_dev_rows(), classify)
    pl = r["per_label"]
    assert r["accuracy"] >= 0.88, r["misses"]
    assert pl["opus"]["recall"] >= 0.92, r["misses"]
    assert pl["haiku"]["precision"] >= 0.92, r["misses"]
    assert pl["escalate"]["recall"] >= 0.90, r["misses"]


@pytest.mark.parametrize("name", ["routing-extra.jsonl", "routing-holdout.jsonl", "routing-holdout2.jsonl", "routing-holdout3.jsonl", "routing-holdout4.jsonl", "routing-holdout5.jsonl", "routing-holdout6.jsonl"])
def test_own_labeled_sets_generalize(name: str) -> None:
    """Prompts written by people who never saw the rules; looser bars than the dev set."""
    r = evaluate(read_jsonl(DATA / name), classify)
    pl = r["per_label"]
    assert r["n"] >= 200
    assert r["accuracy"] >= 0.80, r["misses"]
    assert pl["opus"]["recall"] >= 0.85, r["misses"]
    assert pl["haiku"]["precision"] >= 0.88, r["misses"]
    assert pl["escalate"]["recall"] >= 0.80, r["misses"]
    assert pl["continue"]["recall"] >= 0.80, r["misses"]


def test_routing_saves_money_against_all_opus() -> None:
    r = evaluate(_dev_rows(), classify)
    # The product promises 20-70% savings; routing must land well inside that.
    assert r["cost_vs_all_opus"] <= 0.5
    assert r["under_routed"] <= 0.08 * r["n"]


def _corpus_rows(split: str) -> list[dict]:
    return [r for r in corpus_rows() if row_split(r) == split]


@pytest.mark.parametrize("split", ["test", "train"])
def test_real_prompts_hold_their_floor(split: str) -> None:
    """Real prompts nobody here wrote (corpus/), with the conversation where it was recorded.

    These floors sit just under today's figures so that a change which loses
    ground on real text fails here; the held-out split is never tuned on,
    so its figures are the honest estimate for new prompts."""
    r = evaluate(_corpus_rows(split), classify)
    pl = r["per_label"]
    floors = FLOORS[split]
    assert r["n"] >= floors["n"]
    assert r["accuracy"] >= floors["accuracy"], summary_line(r)
    assert pl["opus"]["recall"] >= floors["opus_recall"], summary_line(r)
    assert pl["escalate"]["recall"] >= floors["escalate_recall"], summary_line(r)
