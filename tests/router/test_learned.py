"""The learned layer: the shipped model loads, scores like its training, and explains itself."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from routing.router import learned
from routing.router.classify import classify
from routing.router.decision import Context
from support.labeled import corpus_rows
from support.tools import ROOT


def test_the_shipped_model_loads_and_matches_its_features() -> None:
    m = learned.model()
    assert m is not None
    assert m.labels == learned.LABELS
    assert set(m.weights) <= set(learned.feature_names())
    assert len(m.columns) == len(m.labels) and all(len(c) == 1 << learned.BITS for c in m.columns)
    meta = m.meta
    assert meta["real_rows"] >= 1500 and "held_out" in meta


def test_the_previous_turn_is_a_feature_only_when_there_was_one() -> None:
    """The hook always knows the turn; the corpus rows that do not are left without it."""
    rule = {"kind": "task", "tier": "sonnet", "confidence": 0.8}
    assert learned.named_features(dict(rule, prev="edit"), "still broken", "")["prev=edit"] == 1.0
    for unknown in (rule, dict(rule, prev=None), dict(rule, prev="chat")):
        assert not [k for k in learned.named_features(unknown, "still broken", "") if k.startswith("prev=")]
    m = learned.model()
    assert m is not None and {f"prev={k}" for k in ("edit", "answer", "plan", "question", "error")} <= set(m.weights)


def test_every_named_feature_has_words_for_the_explanation() -> None:
    """`route explain` says a feature in words ("the assistant had just changed files"), never by its name."""
    named = {n for n in learned.feature_names() if not n.startswith("intent=")}
    assert named <= set(learned._SAYS)


def test_word_buckets_are_stable_across_processes() -> None:
    """Training and run time must hash alike: textscan.stable_hash, never Python's salted hash()."""
    code = "from routing.router.learned import buckets; print(sorted(buckets('still broken after your fix, 还是不行')))"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                           env={"PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(runs) == 1 and runs.pop().strip().startswith("[")


def test_without_its_files_the_rules_decide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(learned, "_model", None)
    monkeypatch.setattr(learned, "_failed", True)
    d = classify("is it worth moving our queues from Redis to Kafka?")
    assert not any(r.startswith("learned layer") for r in d.reasons)


def test_an_escalation_needs_a_turn_to_reject() -> None:
    """The first prompt of a session (or one whose conversation is unknown) is never read as a
    complaint by the words alone, whatever they say; after a turn, it may be."""
    assert not learned.possible("escalate", {"kind": "task", "prev": None, "signals": {"dissatisfied": 1}})
    assert learned.possible("escalate", {"kind": "escalate", "prev": None})
    assert learned.possible("escalate", {"kind": "task", "prev": "edit", "signals": {"code": 1}})
    assert learned.possible("sonnet", {"kind": "task", "prev": None})


def test_without_a_turn_only_the_rules_read_an_escalation() -> None:
    """The corpus's real complaints, sent as first prompts: the learned layer reads none of
    them as an escalation (only the rules may); after an edit it reads most of them."""
    complaints = [r["prompt"] for r in corpus_rows() if r["label"] == "escalate"]
    assert len(complaints) >= 1000

    def by_the_layer(prompt: str, context: "Context | None") -> bool:
        return any(x.startswith("learned layer: escalate") for x in classify(prompt, context).reasons)

    assert not [p for p in complaints if by_the_layer(p, None)]
    assert sum(by_the_layer(p, Context(prev_kind="edit")) for p in complaints) >= len(complaints) // 3


@pytest.mark.parametrize(
    "prompt, want",
    [
        ("where is parse_config defined?", "haiku"),
        ("add a retry with exponential backoff to chargeCard", "sonnet"),
        ("design the sharding strategy for our multi-tenant postgres, with the trade-offs", "opus"),
    ],
)
def test_unambiguous_prompts_keep_their_tier(prompt: str, want: str) -> None:
    assert classify(prompt).tier == want


def test_explain_names_the_words_that_decided() -> None:
    out = subprocess.run([sys.executable, "-m", "routing", "explain", "--json",
                          "is it worth moving our queues from Redis to Kafka?"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    lines = json.loads(out.stdout)["learned"]
    assert lines[0].startswith("learned layer: ")
    assert any("toward" in line and "'" in line for line in lines), lines
    assert not any("evidence" in line and "<" in line for line in lines)  # words, not internals


def test_a_decision_by_the_conversation_is_not_overruled() -> None:
    d = classify("it still crashes on save", Context(prev_kind="edit"))
    assert d.kind == "escalate" and not any(r.startswith("learned layer") for r in d.reasons)


def test_a_users_adjustment_adds_to_the_shipped_weights(monkeypatch: pytest.MonkeyPatch, isolated_home) -> None:
    """The room to learn from each user: named features and biases only, no words, no prompt text."""
    state = isolated_home / ".local" / "state" / "modelroute"
    state.mkdir(parents=True)
    k = len(learned.LABELS)
    up = [0.0, 0.0, 3.0, 0.0, 0.0]  # this user's tasks turned out harder than the corpus's
    (state / learned.ADJUST_NAME).write_text(json.dumps({"version": 1, "bias": up, "weights": {"rule=sonnet": up}}))
    monkeypatch.setattr(learned, "_model", None)
    monkeypatch.setattr(learned, "_failed", False)
    adjusted = learned.model()
    assert adjusted is not None
    monkeypatch.setattr(learned, "_model", None)
    (state / learned.ADJUST_NAME).write_text(json.dumps({"version": 1, "bias": ["x"] * k}))
    plain = learned.model()
    assert adjusted.bias[2] == pytest.approx(plain.bias[2] + 3.0)
    assert adjusted.weights["rule=sonnet"][2] == pytest.approx(plain.weights["rule=sonnet"][2] + 3.0)
    monkeypatch.setattr(learned, "_model", None)


def test_bulk_scoring_gives_the_hooks_scores_exactly() -> None:
    """A process that scores many prompts switches to copied columns; every score must stay
    the same to the last bit, or route report and the hook would route differently."""
    spec = json.loads((ROOT / "routing" / "router" / "model" / "model.json").read_text(encoding="utf-8"))
    raw = (ROOT / "routing" / "router" / "model" / "weights.bin").read_bytes()
    prompts = [json.loads(line)["prompt"] for line in (ROOT / "tests" / "data" / "routing-holdout.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    hook = learned.Model(spec, raw)
    hook._calls = -10**9  # never switches
    bulk = learned.Model(spec, raw)
    for p in prompts[: learned.BULK_AFTER + 1]:
        bulk.scores({}, p)
    assert bulk._bulk is not None
    named = {"rule=opus": 1.0, "words": 0.4}
    assert [hook.scores(named, p) for p in prompts] == [bulk.scores(named, p) for p in prompts]
