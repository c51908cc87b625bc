"""`route explain`: one decision, with its reasons and the model in each tool."""

from __future__ import annotations

import json
from typing import Optional

import click

from routing.commands.inputs import load_config, read_prompt
from routing.core.config import Config
from routing.core.tiers import TIERS
from routing.router import learned, prompt_text
from routing.router.classify import classify
from routing.router.decision import PREV_KINDS, Context, Decision
from routing.router.rules import rules_for

TOOLS = (("claude", "Claude Code"), ("codex", "Codex"), ("cursor", "Cursor"))
LEARNED = "learned layer"  # how the learned layer's own lines begin (learned.weigh, learned.explain)


def models_for(config: Config, tier: str) -> dict[str, str]:
    return {tool: config.model_for(tool, tier) for tool, _ in TOOLS}


def render(decision: Decision, config: Config, learned: "list[str]") -> str:
    # The layer's verdict is already among the reasons (with whether it overruled the
    # rules) when it weighed in; then only the pulls behind it are new from `learned.explain`.
    if any(r.startswith(LEARNED) for r in decision.reasons):
        learned = [r for r in learned if not r.startswith(LEARNED)]
    lines = [
        f"tier:       {decision.tier}",
        f"kind:       {decision.kind} ({decision.intent})",
        f"confidence: {decision.confidence:.2f}",
        "why:",
        *(f"  - {r}" for r in decision.reasons),
        *(f"  - {r}" for r in learned),
        "models:     " + " | ".join(f"{label}: {config.model_for(tool, decision.tier)}" for tool, label in TOOLS),
    ]
    return "\n".join(lines)


@click.command()
@click.argument("prompt")
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
@click.option("--current", type=click.Choice(TIERS), help="The session's current tier (for escalate/continue).")
@click.option("--after", type=click.Choice(PREV_KINDS),
              help="What the assistant's previous turn did (as the hook reads it from the transcript).")
def command(prompt: str, as_json: bool, current: Optional[str], after: Optional[str]) -> None:
    """Show which tier PROMPT routes to, and why: the rules that fired, and the
    words and signals that weighed most in the learned layer. Use - to read the
    prompt from stdin.

    \b
    Example:
        route explain "find where parse_config is defined"
        route explain --after edit "it still crashes on save"
        git diff | route explain --json -
    """
    config = load_config()
    text = read_prompt(prompt)
    trace: dict = {}
    decision = classify(text, Context(current_tier=current, prev_kind=after), rules_for(config), trace=trace)
    learned_lines = [] if trace.get("by_context") else learned.explain(trace, *prompt_text.split(text))
    if as_json:
        out = decision.to_dict()
        out["learned"] = learned_lines
        out["models"] = models_for(config, decision.tier)
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        click.echo(render(decision, config, learned_lines))
    for w in config.warnings:
        click.echo(f"warning: {w}", err=True)
