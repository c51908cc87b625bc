#!/usr/bin/env python3
"""The second, blind labeling of the corpus: draw the sample, measure agreement, adjudicate.

    .venv/bin/python train/blind.py sample NAME [NAME ...] --out DIR
    .venv/bin/python train/blind.py agree NAME [NAME ...] --labels DIR
    .venv/bin/python train/blind.py adjudicate NAME [NAME ...] --labels DIR --decisions FILE --sample N

`sample` writes DIR/blind-NAME.jsonl: 22% of the batch, drawn with the batch's name as the
seed, holding only what a second labeler may see (id, prompt, prev). The labeler, who sees
neither the first labels nor the rules, writes DIR/blind-NAME.labels.jsonl ({id, label,
why} per line). `agree` prints agreement, Cohen's kappa and each disagreement. `adjudicate`
applies the guide's verdict on every disagreement (FILE: {id: ["first" | "second" |
"label:X", "why"]}), appends it to corpus/agreement/adjudicated.jsonl and keeps the second
labels as corpus/agreement/sample-N.labels.jsonl.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CORPUS, read_jsonl, write_jsonl  # noqa: E402

from routing.router.evaluate import LABELS  # noqa: E402

SHARE = 0.22
SEEN = ("id", "prompt", "prev")  # what the second labeler may see


def sample(rows: list[dict], name: str) -> list[dict]:
    """The blind sample of a batch: the same rows every time for the same batch."""
    pick = sorted(random.Random(name).sample(range(len(rows)), round(SHARE * len(rows))))
    return [{k: rows[i][k] for k in SEEN if k in rows[i]} for i in pick]


def agreement(pairs: list[tuple[str, str]]) -> tuple[float, float]:
    """Observed agreement and Cohen's kappa of (first, second) label pairs."""
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(first[lab] * second[lab] for lab in LABELS) / (n * n)
    return observed, (observed - chance) / (1 - chance) if chance < 1 else 1.0


def adjudicate(rows: list[dict], second: list[dict], decisions: dict) -> tuple[list[dict], int]:
    """Apply the verdicts to `rows` in place; the adjudication records, and how many labels changed.
    A disagreement without a verdict is an error: every one must be decided by the guide."""
    by_id = {r["id"]: r for r in rows}
    records, changed = [], 0
    for b in second:
        row = by_id[b["id"]]
        if row["label"] == b["label"]:
            continue
        if b["id"] not in decisions:
            raise KeyError(f"{b['id']}: a disagreement without a verdict")
        side, why = decisions[b["id"]]
        if side == "first":
            label, label_why = row["label"], row.get("why")
        elif side == "second":
            label, label_why = b["label"], b.get("why")
        else:  # "label:X": the guide gives neither labeler's label
            label, label_why = side.removeprefix("label:"), why
        if label not in LABELS:
            raise ValueError(f"{b['id']}: verdict {side!r} names no label")
        records.append({"id": b["id"], "label": label, "rule": f"{side}: {why}"})
        if label != row["label"]:
            row["label"], row["why"] = label, label_why
            changed += 1
    return records, changed


def _pairs(names: list[str], labels: Path) -> list[tuple[dict, dict]]:
    out = []
    for name in names:
        rows = {r["id"]: r for r in read_jsonl(CORPUS / "batches" / f"{name}.jsonl")}
        out += [(rows[b["id"]], b) for b in read_jsonl(labels / f"blind-{name}.labels.jsonl")]
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("names", nargs="+")
    s.add_argument("--out", type=Path, required=True)
    a = sub.add_parser("agree")
    a.add_argument("names", nargs="+")
    a.add_argument("--labels", type=Path, required=True)
    j = sub.add_parser("adjudicate")
    j.add_argument("names", nargs="+")
    j.add_argument("--labels", type=Path, required=True)
    j.add_argument("--decisions", type=Path, required=True)
    j.add_argument("--sample", type=int, required=True, help="N of corpus/agreement/sample-N.labels.jsonl")
    args = p.parse_args()

    if args.cmd == "sample":
        args.out.mkdir(parents=True, exist_ok=True)
        for name in args.names:
            picked = sample(read_jsonl(CORPUS / "batches" / f"{name}.jsonl"), name)
            write_jsonl(args.out / f"blind-{name}.jsonl", picked)
            print(f"{name}: {len(picked)} items")
        return 0
    if args.cmd == "agree":
        pairs = _pairs(args.names, args.labels)
        observed, kappa = agreement([(r["label"], b["label"]) for r, b in pairs])
        split = [(r, b) for r, b in pairs if r["label"] != b["label"]]
        print(f"{len(pairs)} items: agreement {observed:.3f}, kappa {kappa:.3f}, {len(split)} disagreements")
        for r, b in split:
            print(f"\n{r['id']}  first {r['label']} ({r.get('why', '')})  second {b['label']} ({b.get('why', '')})")
            print(f"  prev: {r.get('prev', '-')}\n  prompt: {r['prompt'][:400]}")
        return 0
    dest = CORPUS / "agreement" / f"sample-{args.sample}.labels.jsonl"
    if dest.exists():
        print(f"{dest} exists: choose the next sample number", file=sys.stderr)
        return 1
    decisions = json.loads(args.decisions.read_text(encoding="utf-8"))
    kept, records, changed = [], [], 0
    for name in args.names:
        path = CORPUS / "batches" / f"{name}.jsonl"
        rows = read_jsonl(path)
        second = [{k: b.get(k, "") for k in ("id", "label", "why")}
                  for b in read_jsonl(args.labels / f"blind-{name}.labels.jsonl")]
        got, n = adjudicate(rows, second, decisions)
        write_jsonl(path, rows)
        kept += second
        records += got
        changed += n
    write_jsonl(dest, kept)
    with open(CORPUS / "agreement" / "adjudicated.jsonl", "a", encoding="utf-8") as f:
        f.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    print(f"{dest.name}: {len(kept)} items, {len(records)} adjudicated, {changed} labels changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
