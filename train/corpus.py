#!/usr/bin/env python3
"""Keep the labeled corpus of real prompts honest: import a batch, score it on first sight, report.

    .venv/bin/python train/corpus.py import BATCH.jsonl --name NAME
    .venv/bin/python train/corpus.py status

`import` validates a harvested batch, writes it to corpus/batches/NAME.jsonl,
and, before anything is changed for it, scores it with the router as it is
now: the figures per split and each item's rule features (what the rules saw)
go to corpus/first-sight/NAME.json with the commit and the rules' hash. The
learned layer trains on those features, never on features of rules that were
later tuned on the same rows (the model would only learn to copy the rules).
`status` prints every batch's first-sight figures, held-out split first.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from routing.router.classify import classify  # noqa: E402
from routing.router.decision import PREV_KINDS  # noqa: E402
from routing.router.evaluate import LABELS, evaluate, row_context, row_split, split_of, summary_line  # noqa: E402
from routing.router.rules import BUILTIN  # noqa: E402

CORPUS = ROOT / "corpus"
FIELDS = ("id", "prompt", "label", "why", "tricky", "lang", "tool", "source", "prev", "prev_kind")
TOOLS = ("aider", "cursor", "claude-code", "codex", "copilot", "windsurf", "cline", "other")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def is_thread(path: str) -> bool:
    """A GitHub issue, pull request or discussion: its path is the whole address."""
    return path.startswith(("issues/", "pull/", "discussions/"))


def check(rows: list[dict], known_ids: set[str]) -> list[str]:
    """Every problem with a batch, one line each; [] when it may be imported."""
    problems = []
    seen = set()
    for n, r in enumerate(rows, 1):
        where = f"row {n} ({r.get('id')})"
        if not isinstance(r.get("id"), str) or not r["id"]:
            problems.append(f"{where}: no id")
        elif r["id"] in seen or r["id"] in known_ids:
            problems.append(f"{where}: duplicate id")
        seen.add(r.get("id"))
        if not isinstance(r.get("prompt"), str):
            problems.append(f"{where}: no prompt")
        if r.get("label") not in LABELS:
            problems.append(f"{where}: label {r.get('label')!r} is not one of {', '.join(LABELS)}")
        src = r.get("source")
        if not isinstance(src, dict) or not src.get("repo") or not src.get("path"):
            problems.append(f"{where}: source needs repo and path")
        elif not (src.get("line") or src.get("commit") or is_thread(src["path"])):
            problems.append(f"{where}: source needs a line or a commit (a file changes; a thread names itself)")
        if r.get("prev_kind") is not None and r["prev_kind"] not in PREV_KINDS:
            problems.append(f"{where}: prev_kind {r['prev_kind']!r} is not one of {', '.join(PREV_KINDS)}")
        if r.get("tool") is not None and r["tool"] not in TOOLS:
            problems.append(f"{where}: tool {r['tool']!r} is not one of {', '.join(TOOLS)}")
    return problems


def normalize(r: dict) -> dict:
    out = {k: r[k] for k in FIELDS if k in r and r[k] not in (None, "")}
    out["tricky"] = bool(r.get("tricky"))
    src = r["source"]
    out["source"] = {k: src[k] for k in ("repo", "path", "line", "commit") if src.get(k) not in (None, "")}
    return out


def batches() -> list[Path]:
    return sorted((CORPUS / "batches").glob("*.jsonl"))


def features(r: dict) -> dict:
    """What the rules alone saw and decided: the learned layer's inputs, never its output."""
    trace: dict = {}
    classify(r["prompt"], row_context(r), trace=trace, learned=False)
    return trace


def figures(rows: list[dict]) -> dict:
    def route(prompt: str, context: object) -> object:
        return classify(prompt, context)  # type: ignore[arg-type]

    out = {}
    for split in ("test", "train"):
        part = [r for r in rows if row_split(r) == split]
        if part:
            rep = evaluate(part, route)
            rep.pop("misses")
            out[split] = rep
    return out


def git_head() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def cmd_import(args: argparse.Namespace) -> int:
    rows = read_jsonl(Path(args.file))
    known = {r["id"] for b in batches() for r in read_jsonl(b)}
    problems = check(rows, known)
    if problems:
        print("\n".join(problems[:50]), file=sys.stderr)
        print(f"{len(problems)} problems; nothing imported", file=sys.stderr)
        return 1
    dest = CORPUS / "batches" / f"{args.name}.jsonl"
    sight = CORPUS / "first-sight" / f"{args.name}.json"
    if dest.exists() or sight.exists():
        print(f"{dest} or {sight} exists: a batch is scored on first sight once", file=sys.stderr)
        return 1
    rows = [normalize(r) for r in rows]
    write_jsonl(dest, rows)
    record = {
        "batch": args.name,
        "scored": datetime.date.today().isoformat(),
        "commit": git_head(),
        "rules_sha256": hashlib.sha256(Path(BUILTIN).read_bytes()).hexdigest(),
        "figures": figures(rows),
        "features": {r["id"]: features(r) for r in rows},
    }
    sight.write_text(json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"imported {len(rows)} rows into {dest.relative_to(ROOT)}; first sight:")
    for split, rep in record["figures"].items():
        print(f"  {split:>5}: {summary_line(rep)}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    all_rows = [r for b in batches() for r in read_jsonl(b)]
    repos = {r["source"]["repo"] for r in all_rows}
    held = {x for x in repos if split_of(x) == "test"}
    labels = Counter(r["label"] for r in all_rows)
    langs = Counter(r.get("lang", "?") for r in all_rows)
    print(f"{len(all_rows)} prompts from {len(repos)} repositories ({len(held)} held out, "
          f"{len(held) / max(1, len(repos)):.0%}); {len(langs)} languages")
    print("labels: " + ", ".join(f"{k} {labels[k]}" for k in LABELS))
    print("languages: " + ", ".join(f"{k} {v}" for k, v in langs.most_common()))
    print("\nfirst sight (the router as it was when each batch arrived, against today's labels):")
    for b in batches():
        rows = read_jsonl(b)
        sight = CORPUS / "first-sight" / f"{b.stem}.json"
        if not sight.exists():
            print(f"  {b.stem:<14} no first-sight record")
            continue
        for split, rep in first_sight_figures(rows, json.loads(sight.read_text(encoding="utf-8"))["features"]).items():
            print(f"  {b.stem:<14} {split:>5}  {summary_line(rep)}")
    return 0


def first_sight_figures(rows: list[dict], feats: dict) -> dict:
    """The figures of the decisions recorded on first sight, scored against the labels as they are now
    (adjudication may have changed a few since)."""
    out = {}
    for split in ("test", "train"):
        part = [r for r in rows if row_split(r) == split]
        if part:
            decisions = {r["id"]: feats[r["id"]] for r in part}
            rep = evaluate(part, _Replay(decisions, part))
            rep.pop("misses")
            out[split] = rep
    return out


class _Replay:
    """A router that answers each row with the decision recorded for it."""

    def __init__(self, decisions: dict, rows: list[dict]) -> None:
        from routing.router.decision import Decision

        self.queue = [Decision(decisions[r["id"]]["tier"], decisions[r["id"]]["kind"]) for r in rows]

    def __call__(self, prompt: str, context: object) -> object:
        return self.queue.pop(0)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    i = sub.add_parser("import", help="validate a batch, store it, score it on first sight")
    i.add_argument("file")
    i.add_argument("--name", required=True)
    i.set_defaults(fn=cmd_import)
    s = sub.add_parser("status", help="corpus size and every batch's first-sight figures")
    s.set_defaults(fn=cmd_status)
    args = p.parse_args()
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
