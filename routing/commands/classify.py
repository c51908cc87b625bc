"""`route classify --jsonl`: the machine interface for evaluating routers."""

from __future__ import annotations

import json
import sys

import click

from routing.commands.inputs import load_config
from routing.router.classify import classify
from routing.router.rules import rules_for


@click.command()
@click.option("--jsonl", is_flag=True, required=True, help="Read JSON lines from stdin, write JSON lines to stdout.")
def command(jsonl: bool) -> None:
    """Classify {"id": ..., "prompt": ...} objects, one per line, in input order.

    Each output line is {"id", "tier", "kind", "confidence", "reasons"}. A line
    that is not a JSON object with a prompt gets an "error" field instead.

    \b
    Example:
        printf '%s\\n' '{"id": 1, "prompt": "where is main defined?"}' | route classify --jsonl
    """
    rules = rules_for(load_config())
    out = sys.stdout
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("not a JSON object")
            d = classify(row.get("prompt", ""), rules=rules)
            rec = {"id": row.get("id"), "tier": d.tier, "kind": d.kind, "confidence": d.confidence, "reasons": d.reasons}
        except ValueError as e:
            rec = {"id": None, "error": f"line {n}: {e}"}
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    out.flush()
