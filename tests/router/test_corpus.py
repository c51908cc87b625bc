"""The corpus of real prompts is well formed, split by repository, and double-labeled."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter

import pytest

from routing.router.decision import PREV_KINDS
from routing.router.evaluate import LABELS, split_of
from support.labeled import corpus_rows, read_jsonl
from support.tools import ROOT

CORPUS = ROOT / "corpus"
_spec = importlib.util.spec_from_file_location("corpus_tool", ROOT / "train" / "corpus.py")
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)  # train/ is a folder of scripts, not a package


ROWS = corpus_rows()


def test_every_item_is_labeled_and_names_its_source() -> None:
    assert len(ROWS) >= 2000
    for r in ROWS:
        assert r["label"] in LABELS, r["id"]
        assert isinstance(r["prompt"], str), r["id"]
        assert r["source"]["repo"] and r["source"]["path"], r["id"]
        where = r["source"]
        assert "line" in where or "commit" in where or corpus.is_thread(where["path"]), r["id"]
        assert r.get("prev_kind") in (None, *PREV_KINDS), r["id"]
    assert len({r["id"] for r in ROWS}) == len(ROWS)


def test_the_corpus_is_broad() -> None:
    repos = {r["source"]["repo"] for r in ROWS}
    labels = Counter(r["label"] for r in ROWS)
    langs = Counter(r.get("lang") for r in ROWS)
    assert len(repos) >= 300
    assert sum(1 for n in langs.values() if n >= 20) >= 8
    assert labels["opus"] >= 300 and labels["escalate"] >= 150 and labels["continue"] >= 100


def test_a_quarter_of_repositories_is_held_out() -> None:
    repos = {r["source"]["repo"] for r in ROWS}
    held = {x for x in repos if split_of(x) == "test"}
    assert len(held) >= 0.25 * len(repos)
    # By repository: no repository has items on both sides.
    assert all(split_of(r["source"]["repo"]) == split_of(r["source"]["repo"].upper()) for r in ROWS[:50])


def test_split_of_is_fixed_by_the_repository_name() -> None:
    assert split_of("owner/name") == split_of("owner/name")
    names = [f"o{i}/r{i}" for i in range(2000)]
    share = sum(split_of(n) == "test" for n in names) / len(names)
    assert 0.27 <= share <= 0.33


def test_every_batch_was_scored_on_first_sight() -> None:
    for path in sorted((CORPUS / "batches").glob("*.jsonl")):
        sight = json.loads((CORPUS / "first-sight" / f"{path.stem}.json").read_text(encoding="utf-8"))
        ids = {r["id"] for r in read_jsonl(path)}
        assert ids <= set(sight["features"]), path.stem
        assert len(sight["commit"]) == 40


def test_a_fifth_was_labeled_twice_blind_and_adjudicated() -> None:
    second = [x for p in sorted((CORPUS / "agreement").glob("sample-*.labels.jsonl")) for x in read_jsonl(p)]
    adjudicated = {x["id"]: x["label"] for x in read_jsonl(CORPUS / "agreement" / "adjudicated.jsonl")}
    labels = {r["id"]: r["label"] for r in ROWS}
    assert len(second) >= 0.2 * len(ROWS)
    for x in second:
        # The corpus label is the first label where the two agreed, the adjudicated one where not.
        if x["id"] in adjudicated:
            assert labels[x["id"]] == adjudicated[x["id"]], x["id"]


@pytest.mark.parametrize("field", ["prompt"])
def test_no_prompt_appears_twice(field: str) -> None:
    seen = Counter(r[field].strip().lower() for r in ROWS if len(r[field]) > 25)
    assert not [p for p, n in seen.items() if n > 1][:5]


def test_import_refuses_a_source_that_names_no_line_or_commit() -> None:
    row = {"id": "X-1", "prompt": "fix it", "label": "sonnet", "source": {"repo": "a/b", "path": "prompts.md"}}
    assert any("line or a commit" in p for p in corpus.check([row], set()))
    assert corpus.check([dict(row, source={"repo": "a/b", "path": "prompts.md", "commit": "0" * 40})], set()) == []
    assert corpus.check([dict(row, source={"repo": "a/b", "path": "issues/12"})], set()) == []
