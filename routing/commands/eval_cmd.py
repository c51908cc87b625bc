"""`route eval`: measure the router on labeled JSONL files, per held-out split."""

from __future__ import annotations

import json
from typing import Optional

import click

from routing.commands.inputs import load_config
from routing.router.classify import classify
from routing.router.evaluate import evaluate, evaluate_splits, format_report, row_split, summary_line
from routing.router.rules import rules_for


def _read(files: "tuple[click.utils.LazyFile, ...]") -> list[dict]:
    rows = []
    for file in files:
        for n, line in enumerate(file, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError as e:
                    raise click.ClickException(f"{file.name}, line {n}: not JSON ({e})") from None
    return rows


@click.command(name="eval")
@click.argument("files", nargs=-1, required=True, type=click.File("r", encoding="utf-8"))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--misses", is_flag=True,
              help="Also list each misrouted prompt's id and reasons (training split only when rows name a source).")
@click.option("--split", type=click.Choice(["test", "train"]), help="Only rows of this split (by source repository).")
def command(files: "tuple[click.utils.LazyFile, ...]", as_json: bool, misses: bool, split: Optional[str]) -> None:
    """Confusion matrix, precision/recall, under-routing and cost for FILES.

    Each line is a JSON object with "prompt" and "label" (haiku, sonnet, opus,
    escalate or continue), and optionally "prev_kind" (what the assistant's
    previous turn did: edit, answer, plan, question, error), which the router
    reads as context. Cost is relative: a task on haiku, sonnet and opus
    costs 1, 4 and 20.

    Rows that name their "source": {"repo": ...} are split by repository:
    about 30% of repositories form the held-out "test" split, which nothing
    is tuned on. Its figures are printed first, and its misses are never
    listed, so that no rule is written for them.

    \b
    Example:
        route eval ../shared/routing-dev.jsonl
        route eval corpus/batches/*.jsonl
        route eval --split train --misses corpus/batches/*.jsonl
    """
    rows = _read(files)
    if split:
        rows = [r for r in rows if row_split(r) == split]
        if not rows:
            raise click.ClickException(f"no rows of the {split} split (rows need a source.repo)")
    rules = rules_for(load_config())

    def route(prompt: str, context: object) -> object:
        return classify(prompt, context, rules)  # type: ignore[arg-type]

    try:
        per_split = evaluate_splits(rows, route) if any(row_split(r) for r in rows) else None
        report = per_split["all"] if per_split else evaluate(rows, route)
    except (KeyError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(per_split or report, indent=2))
        return
    if misses:
        shown = [m for m in report["misses"] if not per_split or m.get("split") != "test"]
        for m in shown:
            click.echo(f"{m['id']}: {m['label']} -> {m['predicted']}  ({'; '.join(m['reasons'])})")
        if len(shown) < len(report["misses"]):
            click.echo(f"({len(report['misses']) - len(shown)} misses of the held-out test split not shown)")
        click.echo("")
    click.echo(format_report(report))
    if per_split:
        click.echo("")
        for name, label in (("test", "held-out test split"), ("train", "training split")):
            if name in per_split:
                click.echo(f"{label:>20}: {summary_line(per_split[name])}")
