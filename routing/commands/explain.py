"""`route explain`: one decision, with its reasons and the model in each tool."""

from __future__ import annotations

import json
from typing import Optional

import click

from routing.commands.inputs import load_config, read_prompt
from routing.core.config import Config
from routing.core.tiers import TIERS
from routing.router.classify import classify
from routing.router.decision import Context, Decision
from routing.router.rules import rules_for

TOOLS = (("claude", "Claude Code"), ("codex", "Codex"), ("cursor", "Cursor"))


def models_for(config: Config, tier: str) -> dict[str, str]:
    return {tool: config.model_for(tool, tier) for tool, _ in TOOLS}


def render(decision: Decision, config: Config) -> str:
    lines = [
        f"tier:       {decision.tier}",
        f"kind:       {decision.kind} ({decision.intent})",
        f"confidence: {decision.confidence:.2f}",
        "why:",
        *(f"  - {r}" for r in decision.reasons),
        "models:     " + " | ".join(f"{label}: {config.model_for(tool, decision.tier)}" for tool, label in TOOLS),
    ]
    return "\n".join(lines)


@click.command()
@click.argument("prompt")
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
@click.option("--current", type=click.Choice(TIERS), help="The session's current tier (for escalate/continue).")
def command(prompt: str, as_json: bool, current: Optional[str]) -> None:
    """Show which tier PROMPT routes to, and why. Use - to read the prompt from stdin.

    \b
    Example:
        route explain "find where parse_config is defined"
        git diff | route explain --json -
    """
    config = load_config()
    decision = classify(read_prompt(prompt), Context(current_tier=current), rules_for(config))
    if as_json:
        out = decision.to_dict()
        out["models"] = models_for(config, decision.tier)
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        click.echo(render(decision, config))
    for w in config.warnings:
        click.echo(f"warning: {w}", err=True)
