"""The labeled prompts the router tests read: the corpus of real prompts and the imagined sets."""

from __future__ import annotations

import json
from pathlib import Path

from support.tools import DATA, ROOT

BATCHES = ROOT / "corpus" / "batches"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus_rows() -> list[dict]:
    """Every row of corpus/batches, the batches in name order."""
    return [r for path in sorted(BATCHES.glob("*.jsonl")) for r in read_jsonl(path)]


def all_prompts() -> list[str]:
    """Every labeled prompt: the corpus, then the sets in tests/data."""
    return [r["prompt"] for r in corpus_rows()] + [r["prompt"] for p in sorted(DATA.glob("*.jsonl")) for r in read_jsonl(p)]
