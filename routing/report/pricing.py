"""What a model's tokens cost: a dated, sourced price table, config overrides, family fallback.

Prices are US dollars per million tokens, each row with the day it took
effect and the page it was read from (SOURCES). A response is priced by the
row in force on its UTC day. The rows for models ccusage 20.0.24 knows equal
its offline prices, so `route report` and ccusage agree to the micro-dollar
on the same transcripts (tests/report check that against the real ccusage).
Two pricing shapes beyond the flat one:
  - long context (Sonnet 4 and 4.5, ccusage's convention): each token bucket
    is billed marginally, the first 200,000 tokens at the base rate and the
    rest at the long rate;
  - a prompt band (Haiku 5.5): a request whose prompt (input + cache reads +
    cache writes) is over the threshold pays the band's rates on every token,
    output included.
A model missing from the table is priced as its family's newest row (opus,
sonnet, haiku, fable, gpt-5...) with a warning, never silently at zero.

Overrides live in the config and apply on every day:

    [report.prices.claude-opus-4-8]
    input = 5
    output = 25
    cache_write_5m = 6.25
    cache_write_1h = 10
    cache_read = 0.5
    # optional long-context rates, applied above `long_context_threshold` tokens
    long_input = 10
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any, Mapping, NamedTuple, Optional

if TYPE_CHECKING:
    from routing.core.config import Config

LONG_CONTEXT_THRESHOLD = 200_000
PER = 1_000_000.0
DAY = 86_400


class Price(NamedTuple):
    input: float
    output: float
    cache_write_5m: float
    cache_write_1h: float
    cache_read: float
    # Long-context rates (None: the model has no long-context tier).
    long_input: Optional[float] = None
    long_output: Optional[float] = None
    long_cache_write_5m: Optional[float] = None
    long_cache_write_1h: Optional[float] = None
    long_cache_read: Optional[float] = None
    long_context_threshold: int = LONG_CONTEXT_THRESHOLD
    # A prompt band: above `band_threshold` prompt tokens the whole request pays `band`.
    band_threshold: int = 0
    band: Optional["Price"] = None


def _p(inp: float, out: float, long: Optional[tuple[float, float]] = None, read: Optional[float] = None) -> Price:
    """Anthropic's convention: cache write 5m = 1.25x input, 1h = 2x, read = 0.1x (unless `read`)."""
    cr = inp / 10 if read is None else read
    if long is None:
        return Price(inp, out, inp * 1.25, inp * 2, cr)
    li, lo = long
    return Price(inp, out, inp * 1.25, inp * 2, cr, li, lo, li * 1.25, li * 2, li / 10)


# Where each row's figures come from. `read` is the day the page was read through the
# search tool's stored copy (the stored pages carry no fetch date of their own).
SOURCES: dict[str, str] = {
    "ccusage": "ccusage 20.0.24 offline prices (equal to platform.claude.com/docs/en/about-claude/pricing)",
    "pricing": "platform.claude.com/docs/en/about-claude/pricing, read 2026-12-01",
    "opus-5": "platform.claude.com/docs/zh-CN/models/opus-5/overview (released 2026-07-24), read 2026-12-01",
    "opus-5-5": "platform.claude.com/docs/zh-CN/models/opus-5-5/overview, read 2026-12-01",
    "sonnet-5": "platform.claude.com/docs/zh-CN/models/sonnet-5/overview (released 2026-06-30), read 2026-12-01",
    "sonnet-5-5": "platform.claude.com/docs/zh-CN/models/sonnet-5-5/overview, read 2026-12-01",
    "sonnet-5-5-cut": ("cache reads cut to $0.10 from 2026-10-07: NOT on a stored vendor page (the stored "
                       "sonnet-5-5 overview still shows $0.20); from github.com/kurofune/claudit v1.9.2 and "
                       "TheKrush/PromptFuel v1.0.23 release notes, read 2026-12-01"),
    "haiku-5-5": ("platform.claude.com/docs/zh-CN/models/haiku-5-5/overview (released 2026-10-07): input, "
                  "output, 5m writes of both bands and the 1h write up to 100k; the cache reads and the 1h "
                  "write above 100k are cut off in the stored copy and come from github.com/kurofune/claudit "
                  "v1.9.2 release notes and apidog.com's Haiku 5.5 guide, read 2026-12-01"),
    "fable-5-2": ("NOT on a stored vendor page: github.com/archid21/rightsize v0.10.2 release notes "
                  "(released 2026-11-09), agreeing with Claude Code 2.1.332's own catalog ($8 input in its "
                  "PreModelSwitch estimate), read 2026-12-01"),
    "openai": "ccusage 20.0.24 offline prices",
}


class Row(NamedTuple):
    model: str  # canonical id (no date suffix)
    since: Optional[str]  # first UTC day (YYYY-MM-DD) the row is in force; None: always
    price: Price
    source: str  # a SOURCES key


_HAIKU_5_5 = Price(0.10, 0.50, 0.125, 0.20, 0.01, band_threshold=100_000,
                   band=Price(0.50, 2.50, 0.625, 1.00, 0.05))

# $ per million tokens.
ROWS: tuple[Row, ...] = (
    Row("claude-fable-5-2", "2026-11-09", Price(8, 40, 10, 16, 0.20), "fable-5-2"),
    Row("claude-fable-5-1", None, Price(10, 50, 12.5, 20, 0.25), "pricing"),
    Row("claude-fable-5", None, _p(10, 50), "ccusage"),
    Row("claude-opus-5-5", None, Price(4, 20, 5, 8, 0.20), "opus-5-5"),
    Row("claude-opus-5", None, _p(5, 25), "opus-5"),
    Row("claude-opus-4-8", None, _p(5, 25), "ccusage"),
    Row("claude-opus-4-7", None, _p(5, 25), "ccusage"),
    Row("claude-opus-4-6", None, _p(5, 25), "ccusage"),
    Row("claude-opus-4-5", None, _p(5, 25), "ccusage"),
    Row("claude-opus-4-1", None, _p(15, 75), "ccusage"),
    Row("claude-opus-4", None, _p(15, 75), "ccusage"),
    Row("claude-3-opus", None, _p(15, 75), "ccusage"),
    Row("claude-sonnet-5-5", None, Price(2, 10, 2.5, 4, 0.20), "sonnet-5-5"),
    Row("claude-sonnet-5-5", "2026-10-07", Price(2, 10, 2.5, 4, 0.10), "sonnet-5-5-cut"),
    Row("claude-sonnet-5", None, _p(2, 10), "ccusage"),
    Row("claude-sonnet-4-6", None, _p(3, 15), "ccusage"),
    Row("claude-sonnet-4-5", None, _p(3, 15, (6, 22.5)), "ccusage"),
    Row("claude-sonnet-4", None, _p(3, 15, (6, 22.5)), "ccusage"),
    Row("claude-3-7-sonnet", None, _p(3, 15), "ccusage"),
    Row("claude-3-5-sonnet", None, _p(3, 15), "ccusage"),
    Row("claude-3-sonnet", None, _p(3, 15), "ccusage"),
    Row("claude-haiku-5-5", None, _HAIKU_5_5, "haiku-5-5"),
    Row("claude-haiku-4-5", None, _p(1, 5), "ccusage"),
    Row("claude-3-5-haiku", None, _p(0.8, 4), "ccusage"),
    Row("claude-3-haiku", None, Price(0.25, 1.25, 0.30, 0.50, 0.03), "ccusage"),
    # OpenAI models (Codex): no cache writes; cached input is the cache read.
    Row("gpt-5", None, Price(1.25, 10, 0, 0, 0.125), "openai"),
    Row("gpt-5-codex", None, Price(1.25, 10, 0, 0, 0.125), "openai"),
    Row("gpt-5-mini", None, Price(0.25, 2, 0, 0, 0.025), "openai"),
    Row("gpt-5-nano", None, Price(0.05, 0.4, 0, 0, 0.005), "openai"),
    Row("gpt-5.1", None, Price(1.25, 10, 0, 0, 0.125), "openai"),
    Row("gpt-5.1-codex", None, Price(1.25, 10, 0, 0, 0.125), "openai"),
    Row("gpt-5.1-codex-mini", None, Price(0.25, 2, 0, 0, 0.025), "openai"),
    Row("gpt-5.2", None, Price(1.75, 14, 0, 0, 0.175), "openai"),
    Row("gpt-5.2-codex", None, Price(1.75, 14, 0, 0, 0.175), "openai"),
    Row("gpt-5.3-codex", None, Price(1.75, 14, 0, 0, 0.175), "openai"),
    # (ccusage bills gpt-5.4/5.5 requests above 272k input at long-context rates; not modelled here)
    Row("gpt-5.4", None, Price(2.5, 15, 0, 0, 0.25), "openai"),
    Row("gpt-5.4-mini", None, Price(0.75, 4.5, 0, 0, 0.075), "openai"),
    Row("gpt-5.4-nano", None, Price(0.2, 1.25, 0, 0, 0.02), "openai"),
    Row("gpt-5.5", None, Price(5, 30, 0, 0, 0.5), "openai"),
)


def _day_number(day: str) -> int:
    return date.fromisoformat(day).toordinal() - 719163  # days since 1970-01-01


def _history() -> dict[str, list[tuple[int, Price]]]:
    out: dict[str, list[tuple[int, Price]]] = {}
    for r in ROWS:
        out.setdefault(r.model, []).append((_day_number(r.since) if r.since else -(10 ** 9), r.price))
    for periods in out.values():
        periods.sort(key=lambda x: x[0])
    return out


HISTORY = _history()
# The row in force today for each model (the config check and overrides start from it).
PRICES: dict[str, Price] = {m: periods[-1][1] for m, periods in HISTORY.items()}

# Family -> the row an unknown member of that family is priced as: the family's newest.
FAMILY_DEFAULT = {
    "fable": "claude-fable-5-2",
    "opus": "claude-opus-5-5",
    "sonnet": "claude-sonnet-5-5",
    "haiku": "claude-haiku-5-5",
    "gpt-5-nano": "gpt-5-nano",
    "gpt-5-mini": "gpt-5-mini",
    "codex-mini": "gpt-5.1-codex-mini",
    "gpt-5": "gpt-5",
    "gpt": "gpt-5",
}

# The model a tier's Claude Code alias sent on a given day (the newest of the family from
# its release; Claude Code 2.1.332 sends the 5.5 models for the bare aliases).
TIER_MODELS: dict[str, tuple[tuple[Optional[str], str], ...]] = {
    "haiku": ((None, "claude-haiku-4-5"), ("2026-10-07", "claude-haiku-5-5")),
    "sonnet": ((None, "claude-sonnet-5"), ("2026-09-28", "claude-sonnet-5-5")),
    "opus": ((None, "claude-opus-4-8"), ("2026-09-23", "claude-opus-5-5")),
}
_TIER_DAYS = {t: [(_day_number(d) if d else -(10 ** 9), m) for d, m in rows] for t, rows in TIER_MODELS.items()}
# The model each tier stands for today.
TIER_MODEL = {t: rows[-1][1] for t, rows in TIER_MODELS.items()}


def tier_model(tier: str, day: int) -> str:
    """The model a tier's alias stood for on UTC day number `day`."""
    model = ""
    for since, m in _TIER_DAYS[tier]:
        if since <= day:
            model = m
    return model

_DATE = re.compile(r"[-@]\d{8}$|-v\d+(:\d+)?$|-\d{4}-\d{2}-\d{2}$")
_PREFIX = re.compile(r"^(?:[a-z]{2}\.)?(?:anthropic|openai|bedrock|vertex_ai|azure)[./]")
OVERRIDE_FIELDS = set(Price._fields)


def normalize(model: str) -> str:
    """`us.anthropic.claude-opus-4-5-20251101-v1:0` -> `claude-opus-4-5`."""
    name = _PREFIX.sub("", model.strip().lower())
    for _ in range(2):
        name = _DATE.sub("", name)
    return name


def family(model: str) -> Optional[str]:
    name = model.lower()
    for fam in ("fable", "opus", "sonnet", "haiku", "gpt-5-nano", "gpt-5-mini", "codex-mini", "gpt-5", "gpt"):
        if fam in name:
            return fam
    return None


class PriceBook:
    """The table plus overrides, resolving any model id on any day to a price (and remembering warnings)."""

    def __init__(self, overrides: Optional[Mapping[str, Any]] = None) -> None:
        self.history: dict[str, list[tuple[int, Price]]] = {m: list(p) for m, p in HISTORY.items()}
        self.overridden: set[str] = set()
        for model, spec in (overrides or {}).items():
            key = normalize(model)
            self.history[key] = [(-(10 ** 9), parse_override(model, spec, PRICES.get(key)))]
            self.overridden.add(key)
        self.warnings: dict[str, str] = {}
        self.unknown: set[str] = set()  # models priced by family: the table is out of date
        self._cache: dict[tuple[str, int], tuple[str, Optional[Price]]] = {}

    def fingerprint(self) -> str:
        """Changes whenever any price could: a cache of computed costs keys on it."""
        return repr(sorted(self.history.items()))

    def resolve(self, model: str, day: int = 10 ** 9) -> tuple[str, Optional[Price]]:
        """(table row used, price on UTC day number `day`); price None only when not even the family is known."""
        hit = self._cache.get((model, day))
        if hit is not None:
            return hit
        key = normalize(model)
        periods = self.history.get(key)
        if periods is None:
            fam = family(key)
            fallback = FAMILY_DEFAULT.get(fam or "")
            if fallback is not None:
                periods = self.history[fallback]
                self.warnings[model] = f"no price for {model}; priced as {fallback} ({fam} family)"
                self.unknown.add(model)
                key = fallback
            else:
                self.warnings[model] = f"no price for {model} and no known family; its cost is not counted"
                self.unknown.add(model)
        price = None
        for since, p in periods or ():
            if since <= day:
                price = p
        if price is None and periods:
            price = periods[0][1]
        self._cache[(model, day)] = (key, price)
        return key, price


def parse_override(model: str, spec: Any, base: Optional[Price]) -> Price:
    """One `[report.prices.MODEL]` table; fields left out keep the built-in row's values."""
    if not isinstance(spec, Mapping):
        raise ValueError(f"report.prices.{model} must be a table of $/million-token rates")
    unknown = set(spec) - OVERRIDE_FIELDS
    if unknown:
        raise ValueError(
            f"report.prices.{model}: unknown field {sorted(unknown)[0]!r} (known: {', '.join(Price._fields)})"
        )
    for k, v in spec.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
            raise ValueError(f"report.prices.{model}.{k} must be a number >= 0 ($ per million tokens)")
    if base is None:
        missing = [f for f in ("input", "output") if f not in spec]
        if missing:
            raise ValueError(f"report.prices.{model}: a model not in the built-in table needs {' and '.join(missing)}")
        inp = float(spec["input"])
        base = Price(inp, float(spec["output"]), inp * 1.25, inp * 2, inp / 10)
    return base._replace(**{k: (int(v) if k == "long_context_threshold" else float(v)) for k, v in spec.items()})


def load_checked(cwd: Optional[str] = None, project: bool = True) -> "Config":
    """The config with every layer validated, report prices included; ConfigError on a mistake."""
    from routing.core.config import load

    config = load(cwd, strict=True, project=project)
    check_layers(config)
    return config


def check_layers(config: Any) -> None:
    """Validate every layer's `[report.prices.*]`; ConfigError naming the file, line and key."""
    from routing.core.config import ConfigError, line_of

    for path, layer in config.layers:
        prices = layer.get("report", {}).get("prices", {})
        for model, spec in prices.items():
            try:
                parse_override(str(model), spec, PRICES.get(normalize(str(model))))
            except ValueError as e:
                key = f"report.prices.{model}"
                try:
                    with open(path, encoding="utf-8") as fh:
                        line = line_of(fh.read(), key)
                except OSError:
                    line = None
                raise ConfigError(path, str(e), line, key) from None


def _tiered(tokens: int, base: float, above: Optional[float], threshold: int) -> float:
    if above is None or tokens <= threshold:
        return tokens * base
    return threshold * base + (tokens - threshold) * above


def flat_rates(price: Price) -> Optional[tuple[float, float, float, float, float]]:
    """(input, output, 5m write, 1h write, read) when one response's cost at `price` is one sum of
    products, as `cost` computes it (no prompt band, no long-context tier); else None. The report's
    hot loop prices ~100k responses with these, inlined, in exactly cost's order of operations."""
    if price.band is not None or price.long_input is not None:
        return None
    return price.input, price.output, price.cache_write_5m, price.cache_write_1h, price.cache_read


def cost(price: Price, inp: int, out: int, cw5m: int, cw1h: int, cr: int) -> float:
    """Dollars for one response's token buckets."""
    if price.band is not None and inp + cw5m + cw1h + cr > price.band_threshold:
        price = price.band
    if price.long_input is None:
        return (
            inp * price.input + out * price.output + cw5m * price.cache_write_5m
            + cw1h * price.cache_write_1h + cr * price.cache_read
        ) / PER
    t = price.long_context_threshold
    return (
        _tiered(inp, price.input, price.long_input, t)
        + _tiered(out, price.output, price.long_output, t)
        + _tiered(cw5m, price.cache_write_5m, price.long_cache_write_5m, t)
        + _tiered(cw1h, price.cache_write_1h, price.long_cache_write_1h, t)
        + _tiered(cr, price.cache_read, price.long_cache_read, t)
    ) / PER
