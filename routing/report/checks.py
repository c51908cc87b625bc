"""`route doctor`'s check of the report: is the built-in price table current for the models in use?

The report writes the models it had to price by family (routing.report.cache) on
every run; reading that list keeps the doctor from scanning every transcript.
"""

from __future__ import annotations

from typing import Callable

from routing.core.checks import OK, WARN, Check


def check_prices() -> Check:
    from routing.report.cache import read_unknown_models

    name = "report prices"
    unknown = read_unknown_models()
    if unknown is None:
        return Check(name, OK, "no report run yet (`route report` checks every model it meets)")
    if not unknown:
        return Check(name, OK, "the price table knows every model in your transcripts")
    shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
    return Check(name, WARN, f"the built-in price table is out of date: {shown} priced as their family",
                 "upgrade modelroute, or set [report.prices.MODEL] in the config")


def checks() -> list[tuple[str, Callable[[], Check]]]:
    return [("report prices", check_prices)]
