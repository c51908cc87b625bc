"""`route eval`: measure the router on a labeled JSONL file."""

from __future__ import annotations

import json

import click

from routing.commands.inputs import load_config
from routing.router.classify import classify
from routing.router.evaluate import evaluate, format_report
from routing.router.rules import rules_for


@click.command(name="eval")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--misses", is_flag=True, help="Also list each misrouted prompt's id and reasons.")
def command(file: click.utils.LazyFile, as_json: bool, misses: bool) -> None:
    """Confusion matrix, precision/recall, under-routing and cost for FILE.

    FILE holds one JSON object per line with "prompt" and "label" (haiku,
    sonnet, opus, escalate or continue). Cost is relative: a task on haiku,
    sonnet and opus costs 1, 4 and 20.

    \b
    Example:
        route eval ../shared/routing-dev.jsonl
    """
    rows = []
    for n, line in enumerate(file, 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError as e:
                raise click.ClickException(f"{file.name}, line {n}: not JSON ({e})") from None
    rules = rules_for(load_config())
    try:
        report = evaluate(rows, lambda p: classify(p, rules=rules))
    except (KeyError, ValueError) as e:
        raise click.ClickException(f"{file.name}: {e}") from None
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    if misses:
        for m in report["misses"]:
            click.echo(f"{m['id']}: {m['label']} -> {m['predicted']}  ({'; '.join(m['reasons'])})")
        click.echo("")
    click.echo(format_report(report))
