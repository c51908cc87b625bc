"""modelroute: send each AI coding prompt to the cheapest model tier that does it well.

The map, one package per concern (tests/ mirrors it; tests/test_layout.py
enforces who may import whom):

  core/      paths, config, tiers, the error log, fast JSON, doctor's check type (stdlib only)
  router/    the pure router: prompt text, rules (rules.json), the decision, evaluation
  state/     the locked per-session store, the session record, `route status`
  edits/     safe edits of other programs' files: plans, ownership marks, the install record,
             and the install-target interface every integration implements
  claude/    Claude Code: its home, the hooks, the statusLine, settings.json install, checks
  shell/     `route init` templates, wrapper calls and hints, rc-file install, checks
  codex/     the Codex CLI: its home and the quick/deep profiles
  cursor/    Cursor: the per-feature models to pick in its settings (nothing is written)
  report/    `route report`: pipeline, sources, dedup, dated pricing, what-if replay, cache, totals, render
  install.py, doctor.py   run the targets' plans and checks; commands/ are the thin click faces

Nothing is imported here on purpose: the hooks and the status line import
single modules, and every import costs start-up time on the hot path.
"""

__version__ = "0.1.0"
