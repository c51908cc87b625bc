"""`route report`'s work, apart from its command line.

click parses the flags for `route report --help`, every mistake and every unusual
form (routing.commands.report). The usual forms are parsed here by hand
(`fast_main`, from routing.cli): a report of a large history then skips click's
import, and the process ends without tearing down the parse's objects, ~30 ms of
a first run in bench/report.py. Both paths go through `prepare` and `execute`.
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, Optional

VIEWS = ("daily", "weekly", "monthly", "session", "model")


class Options(NamedTuple):
    """The flags, as click's command names its parameters."""

    view: str = "daily"
    since: Optional[str] = None
    until: Optional[str] = None
    project: Optional[str] = None
    tz: Optional[str] = None
    as_json: bool = False
    as_csv: bool = False
    html: Optional[str] = None
    jobs: Optional[int] = None
    no_cache: bool = False


class Refused(Exception):
    """The flags or the config cannot be used; nothing has been read yet. `hint` names the flag,
    `usage` marks a wrong combination of flags."""

    def __init__(self, message: str, hint: Optional[str] = None, usage: bool = False) -> None:
        super().__init__(message)
        self.hint, self.usage = hint, usage


class Failed(Exception):
    """The report was made but could not be written where asked."""


def parse_date(value: Optional[str], flag: str) -> Optional[date]:
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
    raise Refused(f"{value!r} is not a date; use YYYY-MM-DD", flag)


def timezone(name: Optional[str]) -> tuple[Any, str]:
    if not name:
        local = datetime.now().astimezone().tzinfo
        return local, str(datetime.now().astimezone().tzname() or "local")
    if name.upper() == "UTC":
        from datetime import timezone as fixed

        return fixed.utc, "UTC"
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name), name
    except Exception:
        raise Refused(f"unknown time zone {name!r} (try UTC or Europe/Paris)", "--timezone") from None


def _escalations() -> dict[str, int]:
    """Escalations per session from the state store, read-only; absent or damaged records count none."""
    from routing.state import store

    return {rec.id: rec.escalations for rec in store.sessions()}


def prepare(opts: Options) -> Any:
    """The pipeline's Request for these flags and the config; Refused before anything is read."""
    from routing.core.config import ConfigError
    from routing.report import pipeline
    from routing.report.pricing import PriceBook, load_checked
    from routing.router.rules import rules_for

    if opts.as_json and opts.as_csv:
        raise Refused("choose one of --json and --csv", usage=True)
    try:
        config = load_checked()
    except ConfigError as e:
        raise Refused(str(e)) from None
    zone, tz_name = timezone(opts.tz)
    since_d, until_d = parse_date(opts.since, "--since"), parse_date(opts.until, "--until")
    if since_d is None and until_d is None:
        days = int(config.get("report", "days"))
        since_d = datetime.now(zone).date() - timedelta(days=max(days, 1) - 1)
    if since_d and until_d and since_d > until_d:
        raise Refused("--since is after --until", "--since")
    try:
        prices = PriceBook(config.get("report", "prices"))
    except ValueError as e:
        raise Refused(f"config: {e}") from None
    codex_tiers = {str(model): tier for tier, model in config.data["models"].get("codex", {}).items()}
    return pipeline.Request(
        opts.view, since_d, until_d, opts.project, zone, tz_name, prices, lambda: rules_for(config),
        config.rule_layers(), _escalations(), codex_tiers, opts.jobs, not opts.no_cache)


def _note(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def execute(opts: Options, request: Any) -> None:
    """Make the report and write it as asked; Failed when the HTML file cannot be written."""
    from routing.report import pipeline
    from routing.report import render as report_render

    outcome = pipeline.run(request)
    report, skipped = outcome.report, outcome.skipped
    if outcome.cache_error:
        _note(f"route report: note: {outcome.cache_error}")
    if opts.html:
        from routing.report import html as report_html

        try:
            with open(opts.html, "w", encoding="utf-8") as fh:
                fh.write(report_html.render(report))
        except OSError as e:
            raise Failed(f"cannot write {opts.html}: {e.strerror or e}") from None
        if not (opts.as_json or opts.as_csv):
            _note(f"wrote {opts.html}")
    if opts.as_json:
        sys.stdout.write(report_render.to_json(report, pretty=sys.stdout.isatty()))
    elif opts.as_csv:
        sys.stdout.write(report_render.to_csv(report))
    elif not opts.html:
        sys.stdout.write(report_render.to_table(report))
        return  # the table's footer carries the skipped-lines summary and the warnings
    for warning in report["warnings"]:
        _note(f"route report: warning: {warning}")
    if skipped.get("bad_lines") or skipped.get("unreadable_files"):
        _note(f"route report: skipped {skipped['bad_lines']} malformed or truncated lines and "
              f"{skipped['unreadable_files']} unreadable files")


_FLAGS = {"--json": "as_json", "--csv": "as_csv", "--no-cache": "no_cache"}
_VALUES = {"--since": "since", "--until": "until", "--project": "project", "--timezone": "tz", "--html": "html",
           "--jobs": "jobs"}


def fast_parse(args: list[str]) -> Optional[Options]:
    """The options click would make of `args`, or None for anything but the plain forms (help, a
    mistake, a repeated or unknown flag, a value that looks like a flag): click takes those."""
    got: dict[str, Any] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if not arg.startswith("-"):
            if "view" in got or arg not in VIEWS:
                return None
            got["view"] = arg
            continue
        name, eq, value = arg.partition("=")
        if name in _FLAGS and not eq:
            field = _FLAGS[name]
            value_of: Any = True
        elif name in _VALUES:
            field = _VALUES[name]
            if not eq:
                if i >= len(args):
                    return None
                value, i = args[i], i + 1
            if not value or value.startswith("-"):
                return None
            value_of = value
            if field == "jobs":
                try:
                    value_of = int(value)
                except ValueError:
                    return None
            elif field == "html" and os.path.isdir(value):
                return None  # click.Path(dir_okay=False) refuses it
        else:
            return None
        if field in got:
            return None
        got[field] = value_of
    return Options(**got)


def fast_main(args: list[str]) -> Optional[int]:
    """`route report ARGS` without click: the exit code, or None when click must take the command
    (its forms, its words for every refusal)."""
    opts = fast_parse(args)
    if opts is None:
        return None
    try:
        request = prepare(opts)
    except Refused:
        return None  # click says what is wrong, as it does for every other command
    try:
        execute(opts, request)
        sys.stdout.flush()
    except Failed as e:
        _note(f"Error: {e}")
        return 1
    except KeyboardInterrupt:
        _note("Aborted!")
        return 1
    except BrokenPipeError:  # `route report | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0
