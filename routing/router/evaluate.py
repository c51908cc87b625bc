"""Measure a router against labeled prompts: the numbers `route eval` prints.

Labels are a tier (`haiku`, `sonnet`, `opus`) for tasks, or `escalate` /
`continue` for the two session kinds. A prediction is the decision's tier for
tasks and its kind otherwise, so one confusion matrix covers both.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable, Iterable, Mapping, Optional

from routing.core.tiers import RELATIVE_PRICE, TIERS, rank
from routing.router.decision import PREV_KINDS, Context, Decision

LABELS = ("haiku", "sonnet", "opus", "escalate", "continue")

# Relative price of one task on each tier, from list prices per token
# (Opus about 5x Sonnet, about 20x Haiku). Only ratios are reported.
RELATIVE_COST = RELATIVE_PRICE


# Repositories whose hash falls below this share form the held-out split: never
# used to train, tune or write rules. By repository, never by prompt, so one
# developer's style cannot leak from training into the test.
HELD_OUT_SHARE = 0.30
SPLITS = ("test", "train")


def split_of(repo: str) -> str:
    """'test' (held out) or 'train', fixed by the source repository's name."""
    h = int(hashlib.sha256(repo.strip().lower().encode("utf-8")).hexdigest()[:8], 16)
    return "test" if h / 0xFFFFFFFF < HELD_OUT_SHARE else "train"


def row_split(row: Mapping[str, Any]) -> Optional[str]:
    source = row.get("source")
    repo = source.get("repo") if isinstance(source, Mapping) else None
    return split_of(repo) if isinstance(repo, str) and repo else None


def row_context(row: Mapping[str, Any]) -> Optional[Context]:
    """What a labeled row says about the conversation: the previous assistant turn's kind."""
    prev = row.get("prev_kind")
    return Context(prev_kind=prev) if prev in PREV_KINDS else None


def predicted_label(d: Decision) -> str:
    return d.tier if d.kind == "task" else d.kind


Router = Callable[[str, Optional[Context]], Decision]


def evaluate(rows: Iterable[Mapping[str, Any]], route: Router) -> dict[str, Any]:
    matrix = {gold: {pred: 0 for pred in LABELS} for gold in LABELS}
    under = over = 0
    cost = cost_opus = cost_perfect = 0.0
    misses: list[dict[str, Any]] = []
    n = 0
    for row in rows:
        gold = str(row["label"])
        if gold not in LABELS:
            raise ValueError(f"unknown label {gold!r} (expected one of {', '.join(LABELS)})")
        d = route(str(row.get("prompt", "")), row_context(row))
        pred = predicted_label(d)
        matrix[gold][pred] += 1
        n += 1
        if gold in TIERS:
            if rank(d.tier) < rank(gold):
                under += 1
            elif rank(d.tier) > rank(gold):
                over += 1
            cost += RELATIVE_COST[d.tier]
            cost_opus += RELATIVE_COST["opus"]
            cost_perfect += RELATIVE_COST[gold]
        if pred != gold:
            misses.append({"id": row.get("id"), "label": gold, "predicted": pred, "reasons": d.reasons,
                           "split": row_split(row)})
    per_label = {}
    for lab in LABELS:
        tp = matrix[lab][lab]
        predicted = sum(matrix[g][lab] for g in LABELS)
        actual = sum(matrix[lab].values())
        per_label[lab] = {
            "precision": tp / predicted if predicted else None,
            "recall": tp / actual if actual else None,
            "support": actual,
        }
    correct = sum(matrix[lab][lab] for lab in LABELS)
    return {
        "n": n,
        "accuracy": correct / n if n else 0.0,
        "per_label": per_label,
        "confusion": matrix,
        "under_routed": under,
        "over_routed": over,
        "cost_vs_all_opus": cost / cost_opus if cost_opus else None,
        "cost_vs_perfect": cost / cost_perfect if cost_perfect else None,
        "misses": misses,
    }


def evaluate_splits(rows: Iterable[Mapping[str, Any]], route: Router) -> dict[str, dict[str, Any]]:
    """Figures per split ("test", "train") for rows that name their source, and for all rows."""
    rows = list(rows)
    out = {}
    for split in SPLITS:
        part = [r for r in rows if row_split(r) == split]
        if part:
            out[split] = evaluate(part, route)
    out["all"] = evaluate(rows, route)
    return out


def summary_line(r: Mapping[str, Any]) -> str:
    def pct(x: Optional[float]) -> str:
        return "  -  " if x is None else f"{x:.3f}"

    pl = r["per_label"]
    tasks = sum(pl[t]["support"] for t in TIERS)
    return (
        f"accuracy {r['accuracy']:.3f} | opus recall {pct(pl['opus']['recall'])} | "
        f"haiku precision {pct(pl['haiku']['precision'])} | escalate recall {pct(pl['escalate']['recall'])} | "
        f"under-routed {r['under_routed']}/{tasks} | n={r['n']}"
    )


def format_report(r: Mapping[str, Any]) -> str:
    def pct(x: float | None) -> str:
        return "  -  " if x is None else f"{x:5.3f}"

    lines = ["confusion (rows: label, columns: predicted)", "          " + "".join(f"{p:>9}" for p in LABELS)]
    for g in LABELS:
        lines.append(f"{g:>9} " + "".join(f"{r['confusion'][g][p]:>9}" for p in LABELS))
    lines.append("")
    lines.append(f"{'label':>9}  precision  recall  support")
    for lab in LABELS:
        m = r["per_label"][lab]
        lines.append(f"{lab:>9}  {pct(m['precision']):>9}  {pct(m['recall']):>6}  {m['support']:>7}")
    lines.append("")
    lines.append(f"under-routed tasks: {r['under_routed']}   over-routed tasks: {r['over_routed']}")
    if r["cost_vs_all_opus"] is not None:
        lines.append(
            f"cost: {r['cost_vs_all_opus']:.3f} of all-Opus, {r['cost_vs_perfect']:.3f} of a perfect router"
        )
    lines.append(summary_line(r))
    return "\n".join(lines)
