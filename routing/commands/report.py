"""`route report`: what AI coding cost, by model, tier, day and session, and what routing saves."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from typing import Any, Optional

import click

from routing.commands.inputs import load_config

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


def _parse_date(value: Optional[str], flag: str) -> Optional[date]:
    if value is None:
        return None
    if len(value) == 10 and value[4] == value[7] == "-" and value.isascii() and value.replace("-", "").isdigit():
        try:  # what strptime makes of YYYY-MM-DD, without importing _strptime (~1.5 ms)
            return date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:
            pass  # strptime refuses it too, and says so below
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD", param_hint=flag)


def _timezone(name: Optional[str]) -> tuple[Any, str]:
    if not name:
        local = datetime.now().astimezone().tzinfo
        return local, str(datetime.now().astimezone().tzname() or "local")
    if name.upper() == "UTC":
        from datetime import timezone

        return timezone.utc, "UTC"
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name), name
    except Exception:
        raise click.BadParameter(f"unknown time zone {name!r} (try UTC or Europe/Paris)", param_hint="--timezone")


def _escalations() -> dict[str, int]:
    """Escalations per session from the state store, read-only; absent or damaged records count none."""
    from routing.state import store

    return {rec.id: rec.escalations for rec in store.sessions()}


@click.command("report", help=HELP, short_help="What your AI coding cost, and what routing saves.")
@click.argument("view", required=False, default="daily",
                type=click.Choice(["daily", "weekly", "monthly", "session", "model"]))
@click.option("--since", metavar="DATE", help="First day (YYYY-MM-DD), in --timezone.")
@click.option("--until", metavar="DATE", help="Last day, inclusive.")
@click.option("--project", metavar="NAME", help="Only this project (its path or transcript dir name).")
@click.option("--timezone", "tz", metavar="TZ", help="Time zone for days (default: the system's).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (stable field names, see above; indented on a terminal, compact in a pipe).")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV rows of the view.")
@click.option("--html", "html", metavar="FILE", type=click.Path(dir_okay=False), help="Write a self-contained HTML page.")
@click.option("--jobs", type=int, default=None, hidden=True, help="Worker processes (default: CPU count).")
@click.option("--no-cache", is_flag=True, help="Read every transcript again (the cache is still rewritten).")
def command(view: str, since: Optional[str], until: Optional[str], project: Optional[str], tz: Optional[str],
            as_json: bool, as_csv: bool, html: Optional[str], jobs: Optional[int], no_cache: bool) -> None:
    from routing.report import pipeline
    from routing.report import render as report_render
    from routing.report.pricing import PriceBook
    from routing.router.rules import rules_for

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    config = load_config()
    zone, tz_name = _timezone(tz)
    since_d, until_d = _parse_date(since, "--since"), _parse_date(until, "--until")
    if since_d is None and until_d is None:
        days = int(config.get("report", "days"))
        since_d = datetime.now(zone).date() - timedelta(days=max(days, 1) - 1)
    if since_d and until_d and since_d > until_d:
        raise click.BadParameter("--since is after --until", param_hint="--since")
    try:
        prices = PriceBook(config.get("report", "prices"))
    except ValueError as e:
        raise click.ClickException(f"config: {e}") from None
    codex_tiers = {str(model): tier for tier, model in config.data["models"].get("codex", {}).items()}
    outcome = pipeline.run(pipeline.Request(
        view, since_d, until_d, project, zone, tz_name, prices, lambda: rules_for(config), config.rule_layers(),
        _escalations(), codex_tiers, jobs, not no_cache))
    report, skipped = outcome.report, outcome.skipped
    if outcome.cache_error:
        click.echo(f"route report: note: {outcome.cache_error}", err=True)
    if html:
        from routing.report import html as report_html

        try:
            with open(html, "w", encoding="utf-8") as fh:
                fh.write(report_html.render(report))
        except OSError as e:
            raise click.ClickException(f"cannot write {html}: {e.strerror or e}") from None
        if not (as_json or as_csv):
            click.echo(f"wrote {html}", err=True)
    if as_json:
        sys.stdout.write(report_render.to_json(report, pretty=sys.stdout.isatty()))
    elif as_csv:
        sys.stdout.write(report_render.to_csv(report))
    elif not html:
        sys.stdout.write(report_render.to_table(report))
        return  # the table's footer carries the skipped-lines summary and the warnings
    for warning in report["warnings"]:
        click.echo(f"route report: warning: {warning}", err=True)
    if skipped.get("bad_lines") or skipped.get("unreadable_files"):
        click.echo(f"route report: skipped {skipped['bad_lines']} malformed or truncated lines and "
                   f"{skipped['unreadable_files']} unreadable files", err=True)
