"""What a model's tokens cost: an embedded price table, config overrides, family fallback.

Prices are US dollars per million tokens. The Claude rows equal ccusage
20.0.24's offline prices, so `route report` and ccusage agree to the
micro-dollar on the same transcripts; the cost rules follow the same
conventions:
  - a 1-hour cache write costs 2x input, a 5-minute one 1.25x input;
  - models with a long-context tier (Sonnet 4 and 4.5) bill each token bucket
    marginally: the first 200,000 tokens of a bucket at the base rate, the
    rest at the long-context rate.
A model missing from the table is priced as its family (opus, sonnet, haiku,
fable, gpt-5...) with a warning, never silently at zero.

Overrides live in the config:

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
from typing import Any, Mapping, NamedTuple, Optional

LONG_CONTEXT_THRESHOLD = 200_000
PER = 1_000_000.0


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


def _p(inp: float, out: float, long: Optional[tuple[float, float]] = None) -> Price:
    """Anthropic's convention: cache write 5m = 1.25x input, 1h = 2x, read = 0.1x."""
    if long is None:
        return Price(inp, out, inp * 1.25, inp * 2, inp / 10)
    li, lo = long
    return Price(inp, out, inp * 1.25, inp * 2, inp / 10, li, lo, li * 1.25, li * 2, li / 10)


# $ per million tokens. Keys are canonical model ids (no date suffix).
PRICES: dict[str, Price] = {
    "claude-fable-5": _p(10, 50),
    "claude-opus-4-8": _p(5, 25),
    "claude-opus-4-7": _p(5, 25),
    "claude-opus-4-6": _p(5, 25),
    "claude-opus-4-5": _p(5, 25),
    "claude-opus-4-1": _p(15, 75),
    "claude-opus-4": _p(15, 75),
    "claude-3-opus": _p(15, 75),
    "claude-sonnet-5": _p(2, 10),
    "claude-sonnet-4-6": _p(3, 15),
    "claude-sonnet-4-5": _p(3, 15, (6, 22.5)),
    "claude-sonnet-4": _p(3, 15, (6, 22.5)),
    "claude-3-7-sonnet": _p(3, 15),
    "claude-3-5-sonnet": _p(3, 15),
    "claude-3-sonnet": _p(3, 15),
    "claude-haiku-4-5": _p(1, 5),
    "claude-3-5-haiku": _p(0.8, 4),
    "claude-3-haiku": Price(0.25, 1.25, 0.30, 0.50, 0.03),
    # OpenAI models (Codex): no cache writes; cached input is the cache read.
    "gpt-5": Price(1.25, 10, 0, 0, 0.125),
    "gpt-5-codex": Price(1.25, 10, 0, 0, 0.125),
    "gpt-5-mini": Price(0.25, 2, 0, 0, 0.025),
    "gpt-5-nano": Price(0.05, 0.4, 0, 0, 0.005),
    "gpt-5.1": Price(1.25, 10, 0, 0, 0.125),
    "gpt-5.1-codex": Price(1.25, 10, 0, 0, 0.125),
    "gpt-5.1-codex-mini": Price(0.25, 2, 0, 0, 0.025),
    "gpt-5.2": Price(1.75, 14, 0, 0, 0.175),
    "gpt-5.2-codex": Price(1.75, 14, 0, 0, 0.175),
    "gpt-5.3-codex": Price(1.75, 14, 0, 0, 0.175),
    # (ccusage bills gpt-5.4/5.5 requests above 272k input at long-context rates; not modelled here)
    "gpt-5.4": Price(2.5, 15, 0, 0, 0.25),
    "gpt-5.4-mini": Price(0.75, 4.5, 0, 0, 0.075),
    "gpt-5.4-nano": Price(0.2, 1.25, 0, 0, 0.02),
    "gpt-5.5": Price(5, 30, 0, 0, 0.5),
}

# Family -> the table row an unknown member of that family is priced as.
FAMILY_DEFAULT = {
    "fable": "claude-fable-5",
    "opus": "claude-opus-4-8",
    "sonnet": "claude-sonnet-4-6",
    "haiku": "claude-haiku-4-5",
    "gpt-5-nano": "gpt-5-nano",
    "gpt-5-mini": "gpt-5-mini",
    "codex-mini": "gpt-5.1-codex-mini",
    "gpt-5": "gpt-5",
    "gpt": "gpt-5",
}
# The model each tier stands for in the what-ifs.
TIER_MODEL = {"haiku": "claude-haiku-4-5", "sonnet": "claude-sonnet-4-6", "opus": "claude-opus-4-8"}

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
    """The table plus overrides, resolving any model id to a price (and remembering warnings)."""

    def __init__(self, overrides: Optional[Mapping[str, Any]] = None) -> None:
        self.table = dict(PRICES)
        self.overridden: set[str] = set()
        for model, spec in (overrides or {}).items():
            key = normalize(model)
            self.table[key] = parse_override(model, spec, self.table.get(key))
            self.overridden.add(key)
        self.warnings: dict[str, str] = {}
        self._cache: dict[str, tuple[str, Price]] = {}

    def resolve(self, model: str) -> tuple[str, Optional[Price]]:
        """(table row used, price); price None only when not even the family is known."""
        hit = self._cache.get(model)
        if hit is not None:
            return hit
        key = normalize(model)
        price = self.table.get(key)
        if price is None:
            fam = family(key)
            fallback = FAMILY_DEFAULT.get(fam or "")
            if fallback is not None:
                price = self.table[fallback]
                self.warnings[model] = f"no price for {model}; priced as {fallback} ({fam} family)"
                key = fallback
            else:
                self.warnings[model] = f"no price for {model} and no known family; its cost is not counted"
        self._cache[model] = (key, price)  # type: ignore[assignment]
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
                    line = line_of(path.read_text(encoding="utf-8"), key)
                except OSError:
                    line = None
                raise ConfigError(path, str(e), line, key) from None


def _tiered(tokens: int, base: float, above: Optional[float], threshold: int) -> float:
    if above is None or tokens <= threshold:
        return tokens * base
    return threshold * base + (tokens - threshold) * above


def cost(price: Price, inp: int, out: int, cw5m: int, cw1h: int, cr: int) -> float:
    """Dollars for one response's token buckets."""
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
