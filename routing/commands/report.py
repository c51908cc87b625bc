"""`route report`: what AI coding cost, by model, tier, day and session, and what routing saves."""

from __future__ import annotations

from typing import Optional

import click

from routing.report import run

HELP = """Show what your AI coding cost, from Claude Code and Codex transcripts.

\b
VIEW is daily (default), weekly, monthly, session or model. The default
period is the last `report.days` days (30). Reads projects/**/*.jsonl under
each dir in $CLAUDE_CONFIG_DIR (comma-separated), else ~/.config/claude and
~/.claude, plus $CODEX_HOME/sessions/**/rollout-*.jsonl. Responses written
as several lines are counted once (message.id + requestId, like ccusage).
Malformed lines and unreadable files are skipped and counted. Only files that
changed since the last run are read again: the parse of each is cached in
$XDG_CACHE_HOME/modelroute/report (token counts and tiers, no prompt text).

\b
Costs are the priced transcripts: the recorded tokens at the list price in
force on each response's day ($ per million tokens, built in with the page
each price comes from; ccusage's offline prices for the models it knows),
overridable as [report.prices.MODEL] with input, output, cache_write_5m,
cache_write_1h, cache_read (and long_*). An unknown model is priced as its
family and named in a warning. Cache writes the 5m/1h breakdown leaves out
count as 5m writes (ccusage 20.0.24 drops them). `route status` shows
something else: Claude Code's own running cost of the live session.

\b
What-ifs (Claude usage), each replaying modelroute's own router and hook:
  automatic: with modelroute and no action from you, subagents run on their
    routed tier and each one-off lookup the hook hands to a haiku subagent
    is priced as that subagent (cold cache) plus the calls that launch it
    and relay its answer.
  follow: as automatic, and you follow every /model suggestion; switches
    happen only where the hook suggests one, each paying the re-read of the
    conversation into the new model's cache.
  achieved: what the routing that ran already saved: subagents on another
    model than their main thread, against the main thread's model.
Each is a low-high range: output length differs by model (low keeps the
recorded output on a cheaper tier, high has it write 25% more).

\b
JSON fields (--json; stable, schema modelroute.report/2): schema,
generated_at, view, timezone, since, until, cost_source, totals, by_model[]
(tool, model, tier, request_share), by_tier[] (tier, request_share), rows[]
(key, cost_by_tier: the view), sessions[] (session_id, project, tool,
first_activity, last_activity, models, cost_by_tier, escalations), days[]
(date, cost, cost_by_tier), what_if {method, range_note, claude_requests,
prompts_classified, requests_by_routed_tier, scenarios[{name (actual,
automatic, follow, achieved), label, assumption, cost_low, cost_high,
saving_low, saving_high, saving_pct_low, saving_pct_high, why_more (why
it costs more, or null); actual: cost; automatic: delegated_requests,
delegation_overhead; follow: switches,
reread_cost, delegated_requests; achieved: cost, baseline, saving,
saving_pct, subagent_requests, note}]},
skipped {bad_lines, unreadable_files}, warnings[]. Token fields:
input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens,
cache_write_tokens, cache_read_tokens, total_tokens, requests, cost (USD).

\b
Example:
    route report
    route report session --since 2026-11-01 --json
    route report weekly --project myrepo --timezone Europe/Paris
    route report --html report.html
"""


@click.command("report", help=HELP, short_help="What your AI coding cost, and what routing saves.")
@click.argument("view", required=False, default="daily", type=click.Choice(list(run.VIEWS)))
@click.option("--since", metavar="DATE", help="First day (YYYY-MM-DD), in --timezone.")
@click.option("--until", metavar="DATE", help="Last day, inclusive.")
@click.option("--project", metavar="NAME", help="Only this project (its path or transcript dir name).")
@click.option("--timezone", "tz", metavar="TZ", help="Time zone for days (default: the system's).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (stable field names, see above; indented on a terminal, compact in a pipe).")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV rows of the view.")
@click.option("--html", "html", metavar="FILE", type=click.Path(dir_okay=False), help="Write a self-contained HTML page.")
@click.option("--jobs", type=int, default=None, hidden=True, help="Worker processes (default: CPU count).")
@click.option("--no-cache", is_flag=True, help="Read every transcript again (the cache is still rewritten).")
def command(**params: object) -> None:
    """The flags as click reads them; the work is routing.report.run's (which also takes the
    usual forms without click: routing.cli)."""
    opts = run.Options(**params)  # type: ignore[arg-type]
    try:
        request = run.prepare(opts)
    except run.Refused as e:
        if e.usage:
            raise click.UsageError(str(e)) from None
        if e.hint:
            raise click.BadParameter(str(e), param_hint=e.hint) from None
        raise click.ClickException(str(e)) from None
    try:
        run.execute(opts, request)
    except run.Failed as e:
        raise click.ClickException(str(e)) from None
