"""Classifying on a hot path with config rules: a time budget, then the built-in rules.

The hooks, `codex-route` and the shell's pre-exec hint classify with the rules
of whatever repository the user is in. Config files are capped in size
(routing.core.config) and their regexes run on a linear-time engine
(routing.router.user_regex), so a classification with them costs about what
one without them does; the budget is the last line: past BUDGET_S the
classification starts over on the built-in rules and errors.log says why.
Built-in rules alone are never budgeted (they are ours, and fast).
"""

from __future__ import annotations

import time

from routing.router.classify import classify
from routing.router.decision import Context, Decision
from routing.router.rules import default_rules, rules_for

BUDGET_S = 0.02  # for the config rules' compile and match, on top of the built-in work


def classify_for(prompt: str, context: Context | None, config, where: str) -> Decision:
    """classify() with the config's rules, falling back to the built-in ones when they fail or run long."""
    logged = len(config.warnings)  # the caller logs load()'s own warnings
    rules = rules_for(config)
    for w in config.warnings[logged:]:  # a refused rule, a layer that does not compile
        from routing.core import errorlog

        errorlog.log(where, w)
    if rules is default_rules():
        return classify(prompt, context, rules)
    from routing.router.user_regex import Budget, OverBudget

    started = time.monotonic()
    Budget.deadline = started + BUDGET_S
    try:
        return classify(prompt, context, rules)
    except OverBudget:
        from routing.core import errorlog

        errorlog.log(where, f"config rules took over {BUDGET_S * 1000:.0f} ms on a prompt: built-in rules used "
                            f"(see `route config check`)")
    finally:
        Budget.deadline = None
    return classify(prompt, context, default_rules())
