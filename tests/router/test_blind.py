"""The blind second labeling's tool: the same sample every time, kappa as defined, verdicts applied."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from support.labeled import read_jsonl
from support.tools import ROOT

_spec = importlib.util.spec_from_file_location("blind_tool", ROOT / "train" / "blind.py")
blind = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(blind)  # train/ is a folder of scripts, not a package

# The samples drawn with this tool's rule, and the batches each was drawn from.
SAMPLES = {23: ("english20", "transcript20"), 24: ("cursor20", "spec20"), 25: ("quoted20", "raw20"),
           26: ("transcript21", "spec21"), 27: ("chat21", "raw21"), 28: ("hist22", "spec22", "claude22")}


@pytest.mark.parametrize("number", sorted(SAMPLES))
def test_the_sample_is_the_one_the_second_labeler_saw(number: int) -> None:
    drawn = [x for name in SAMPLES[number]
             for x in blind.sample(read_jsonl(ROOT / "corpus" / "batches" / f"{name}.jsonl"), name)]
    stored = read_jsonl(ROOT / "corpus" / "agreement" / f"sample-{number}.labels.jsonl")
    assert [x["id"] for x in drawn] == [x["id"] for x in stored]
    assert all(set(x) <= {"id", "prompt", "prev"} for x in drawn)  # never the first label


def test_agreement_and_kappa() -> None:
    assert blind.agreement([("haiku", "haiku"), ("opus", "opus")]) == (1.0, 1.0)
    observed, kappa = blind.agreement([("haiku", "haiku"), ("sonnet", "opus")])
    assert observed == 0.5 and kappa == pytest.approx(1 / 3)  # chance agreement 1/4


def test_every_disagreement_gets_the_verdict_of_the_guide() -> None:
    rows = [{"id": "a", "label": "sonnet", "why": "w"}, {"id": "b", "label": "haiku", "why": "w"},
            {"id": "c", "label": "sonnet", "why": "w"}, {"id": "d", "label": "opus", "why": "w"}]
    second = [{"id": "a", "label": "escalate", "why": "rejects the fix"}, {"id": "b", "label": "sonnet", "why": "x"},
              {"id": "c", "label": "haiku", "why": "y"}, {"id": "d", "label": "opus", "why": "z"}]
    verdicts = {"a": ["second", "a rejection"], "b": ["first", "tie-break 1"], "c": ["label:escalate", "neither"]}
    records, changed = blind.adjudicate(rows, second, verdicts)
    assert [r["label"] for r in rows] == ["escalate", "haiku", "escalate", "opus"]
    assert rows[0]["why"] == "rejects the fix" and rows[2]["why"] == "neither"
    assert changed == 2 and [r["id"] for r in records] == ["a", "b", "c"]
    with pytest.raises(KeyError):
        blind.adjudicate([{"id": "a", "label": "sonnet"}], [{"id": "a", "label": "opus"}], {})


def test_sample_writes_what_the_labeler_may_see(tmp_path) -> None:
    out = subprocess.run([sys.executable, str(ROOT / "train" / "blind.py"), "sample", "raw21", "--out", str(tmp_path)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    written = read_jsonl(tmp_path / "blind-raw21.jsonl")
    stored = [x["id"] for x in read_jsonl(ROOT / "corpus" / "agreement" / "sample-27.labels.jsonl")]
    assert [x["id"] for x in written] == stored[-len(written):]  # sample 27 holds chat21's, then raw21's
    assert "label" not in written[0]
