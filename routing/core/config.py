"""Layered configuration: built-in defaults, then the user's file, then the project's.

Files:
  $XDG_CONFIG_HOME/modelroute/config.toml   the user's settings
  .route.toml (nearest, walking up)          a team's settings, committed to a repo

Each layer overrides the one before, key by key. `signals` tables tune the
classifier's lexicons and `[[rules]]` add team rules (see routing.router.rules).
The CLI loads strictly and reports the file, line and key of a mistake; the
hooks load leniently, skipping a broken layer with a warning, so a typo in a
config file never stands between a user and their prompt.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing and pathlib cost the hooks start-up time
    from pathlib import Path
    from typing import Any, Mapping, Optional

from routing.core import paths
from routing.core.tiers import TIERS

DEFAULTS: dict[str, Any] = {
    "models": {
        "claude": {"haiku": "haiku", "sonnet": "sonnet", "opus": "opus"},
        "codex": {"haiku": "gpt-5-nano", "sonnet": "gpt-5", "opus": "gpt-5.2"},
        "cursor": {"haiku": "claude-haiku-4", "sonnet": "claude-sonnet-4", "opus": "claude-opus-4"},
    },
    "codex": {"deep_effort": "high"},
    "claude": {
        # suggest: one line when another model fits; off: record only;
        # enforce: block a prompt routed above the live model, once.
        "mode": "suggest",
        "subagent_routing": True,
        # A model to pin every subagent to ("" = route each task).
        "subagent_model": "",
        "reset_model_on_exit": True,
        "default_model": "sonnet",
        # PreModelSwitch (Claude Code 2.1.332+): put a price on a switch the router finds
        # unneeded, when re-reading the conversation would cost at least switch_check_usd.
        # suggest mode asks (the host's own dialog, with the price as its reason); enforce denies.
        "switch_check": True,
        "switch_check_usd": 0.10,
        # The Agent tool's `effort` for a subagent modelroute routes, per tier ("" = leave it to
        # Claude Code, which runs the agent at its usual effort: the host asks callers to set
        # effort only when the user asked for one).
        "subagent_effort": {"haiku": "", "sonnet": "", "opus": ""},
    },
    "shell": {"escalation_window_minutes": 15, "hints": True},
    "report": {"days": 30, "prices": {}},
}

CHOICES = {
    ("claude", "mode"): ("suggest", "off", "enforce"),
    ("codex", "deep_effort"): ("minimal", "low", "medium", "high", "xhigh"),
    **{("claude", "subagent_effort", t): ("", "low", "medium", "high", "xhigh", "max") for t in TIERS},
}
# Tables whose keys are free-form (model names, price entries).
_FREE_TABLES = {("report", "prices")}
_SIGNAL_FIELDS = {
    "reason": str,
    **{f"{p}{f}": list for f in ("words", "substrings", "regex") for p in ("", "add_", "remove_")},
}
_RULE_FIELDS = {"name": str, "tier": str, "mode": str, "reason": str, "words": list, "substrings": list, "regex": list}
# Caps for config files: a cloned repository's .route.toml is read before every
# prompt, so its size bounds what it can cost (a team file is a few KB).
MAX_FILE_BYTES = 32 * 1024
MAX_LIST = 500  # entries in one words/substrings/regex list
MAX_RULES = 100
MAX_REGEXES = 50  # per file, rules and signals together
MAX_ENTRY_CHARS = 300  # one word, substring or regex pattern


class ConfigError(Exception):
    """A config file that cannot be used, with where and why."""

    def __init__(self, path: "str | Path", message: str, line: Optional[int] = None, key: str = "") -> None:
        self.path, self.line, self.key, self.message = path, line, key, message
        where = f"{path}" + (f", line {line}" if line else "") + (f", key '{key}'" if key else "")
        super().__init__(f"{where}: {message}")


class Config:
    """The merged settings plus the layers they came from."""

    def __init__(self, data: dict[str, Any], layers: list[tuple[str, dict[str, Any]]], warnings: list[str]):
        self.data = data
        self.layers = layers
        self.warnings = warnings

    def get(self, section: str, key: str) -> Any:
        return self.data[section][key]

    def model_for(self, tool: str, tier: str) -> str:
        return str(self.data["models"][tool][tier])

    def rule_layers(self) -> list[dict[str, Any]]:
        return [layer for _, layer in self.layers if "signals" in layer or "rules" in layer]


def _toml_loads(text: str) -> dict[str, Any]:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib.loads(text)


def line_of(text: str, key: str) -> Optional[int]:
    import re  # only to report a mistake: the hooks load config files without it

    leaf = re.escape(key.split(".")[-1])
    pat = re.compile(rf"^\s*(?:\[+\s*)?(?:[\w.\"-]*\.)?\"?{leaf}\"?\s*(?:=|\]|\.)", re.M)
    m = pat.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _validate(path: "str | Path", text: str, layer: Mapping[str, Any], strict: bool = True) -> None:
    def fail(key: str, msg: str) -> None:
        raise ConfigError(path, msg, line_of(text, key), key)

    regexes = 0

    def entries(key: str, values: list) -> None:
        nonlocal regexes
        if len(values) > MAX_LIST:
            fail(key, f"{len(values)} entries: at most {MAX_LIST} per list")
        for v in values:
            s = v.get("pattern") if isinstance(v, dict) else v
            if isinstance(s, str) and len(s) > MAX_ENTRY_CHARS:
                fail(key, f"an entry of {len(s)} characters: at most {MAX_ENTRY_CHARS}")
        if key.endswith("regex"):
            regexes += len(values)
            if regexes > MAX_REGEXES:
                fail(key, f"more than {MAX_REGEXES} regexes in one file")

    for section, value in layer.items():
        if section == "signals":
            if not isinstance(value, dict):
                fail("signals", "must be a table of [signals.NAME] tables")
            for name, spec in value.items():
                if not isinstance(spec, dict):
                    fail(f"signals.{name}", "must be a table")
                for k, v in spec.items():
                    want = _SIGNAL_FIELDS.get(k)
                    if want is None:
                        fail(f"signals.{name}.{k}", f"unknown field (known: {', '.join(sorted(_SIGNAL_FIELDS))})")
                    if not isinstance(v, want):
                        fail(f"signals.{name}.{k}", f"must be a {'list of strings' if want is list else 'string'}")
                    if want is list:
                        entries(f"signals.{name}.{k}", v)
                for rx in spec.get("regex", []) + spec.get("add_regex", []):
                    _check_regex(fail, f"signals.{name}.regex", rx, strict)
            continue
        if section == "rules":
            if not isinstance(value, list):
                fail("rules", "must be an array of tables: [[rules]]")
            if len(value) > MAX_RULES:
                fail("rules", f"{len(value)} rules: at most {MAX_RULES} per file")
            for i, rule in enumerate(value):
                if not isinstance(rule, dict):
                    fail("rules", f"rule #{i + 1} must be a table")
                for k, v in rule.items():
                    if k not in _RULE_FIELDS:
                        fail(f"rules.{k}", f"unknown field in rule #{i + 1} (known: {', '.join(_RULE_FIELDS)})")
                    if not isinstance(v, _RULE_FIELDS[k]):
                        fail(f"rules.{k}", f"rule #{i + 1}: must be a {_RULE_FIELDS[k].__name__}")
                    if isinstance(v, list):
                        entries(f"rules.{k}", v)
                for k in ("name", "tier"):
                    if k not in rule:
                        fail("rules", f"rule #{i + 1} needs '{k}'")
                if rule["tier"] not in TIERS:
                    fail("rules.tier", f"rule #{i + 1}: tier must be one of {', '.join(TIERS)}")
                if rule.get("mode", "set") not in ("set", "floor", "ceiling"):
                    fail("rules.mode", f"rule #{i + 1}: mode must be set, floor or ceiling")
                for rx in rule.get("regex", []):
                    _check_regex(fail, "rules.regex", rx, strict)
            continue
        if section not in DEFAULTS:
            fail(section, f"unknown section (known: {', '.join(list(DEFAULTS) + ['signals', 'rules'])})")
        _validate_table(fail, section, value, DEFAULTS[section])
        if section == "report":
            _check_report(fail, value)
        for key, model in _model_values(section, value):
            from routing.core.printable import is_model_name

            if model != "" or key != "claude.subagent_model":
                if not is_model_name(model):
                    fail(key, "a model name is printable text (no escapes or newlines), 1 to 100 characters")


def _validate_table(fail: Any, prefix: str, value: Any, default: Mapping[str, Any]) -> None:
    if not isinstance(value, dict):
        fail(prefix, "must be a table")
    for key, v in value.items():
        dotted = f"{prefix}.{key}"
        if key not in default:
            if tuple(prefix.split(".")) in _FREE_TABLES:
                continue
            fail(dotted, f"unknown key (known: {', '.join(default)})")
        d = default[key]
        if isinstance(d, dict):
            _validate_table(fail, dotted, v, d)
            continue
        if isinstance(d, bool) and not isinstance(v, bool):
            fail(dotted, "must be true or false")
        elif isinstance(d, int) and not isinstance(d, bool) and (isinstance(v, bool) or not isinstance(v, (int, float))):
            fail(dotted, "must be a number")
        elif isinstance(d, float) and (isinstance(v, bool) or not isinstance(v, (int, float))):
            fail(dotted, "must be a number")
        elif isinstance(d, str) and not isinstance(v, str):
            fail(dotted, "must be a string")
        choices = CHOICES.get(tuple(dotted.split(".")))  # type: ignore[arg-type]
        if choices and v not in choices:
            fail(dotted, f"must be one of {', '.join(choices)}")


def _model_values(section: str, value: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(dotted key, value) of every model name in a section: they end up in messages and commands."""
    if section == "models":
        return [(f"models.{tool}.{tier}", m) for tool, tiers in value.items() if isinstance(tiers, dict)
                for tier, m in tiers.items()]
    if section == "claude":
        return [(f"claude.{k}", value[k]) for k in ("default_model", "subagent_model") if k in value]
    return []


def _check_report(fail: Any, report: Mapping[str, Any]) -> None:
    days = report.get("days", 1)
    if not isinstance(days, bool) and isinstance(days, (int, float)) and days < 1:
        fail("report.days", "must be at least 1")
    prices = report.get("prices", {})
    if not isinstance(prices, dict):
        fail("report.prices", "must be a table of [report.prices.MODEL] tables")
    # The rates themselves are checked by routing.report.pricing.check_layers (the CLI runs it):
    # what a price row may hold is the report's business, not the foundation's.


def _check_regex(fail: Any, key: str, rx: Any, strict: bool = True) -> None:
    if isinstance(rx, dict):
        if not isinstance(rx.get("pattern"), str):
            fail(key, "a regex table needs a string 'pattern' (and optional 'needs' / 'needs_words', lists of strings)")
        rx = rx["pattern"]
    elif not isinstance(rx, str):
        fail(key, "regex entries are strings or {pattern, needs} tables")
    if not strict:
        return
    import re  # the CLI's strict load; the hooks return above

    # Syntax only, with the file's line (the CLI): the router compiles the pattern on RE2
    # (routing.router.user_regex), and what RE2 refuses `route config check` reports.
    try:
        re.compile(rx)
    except re.error as e:
        fail(key, f"invalid regular expression {rx!r}: {e}")


def read_layer(path: "str | Path", strict: bool = True) -> dict[str, Any]:
    """Parse and validate one file; raises ConfigError with file and line.

    The outcome (the layer, or the error) is cached by the file's identity,
    size and mtime: a hook reads the same .route.toml before every prompt, and
    the TOML parser alone costs milliseconds a KB.
    """
    from routing.core import blobcache  # only once a config file exists

    key = _layer_key(path, strict)
    hit = blobcache.get("layer", key) if key else None
    if isinstance(hit, tuple) and len(hit) == 2:
        ok, value = hit
        if ok and isinstance(value, dict):
            return value
        if not ok and isinstance(value, tuple) and len(value) == 3:
            raise ConfigError(path, *value)
    try:
        layer = _read_layer(path, strict)
    except ConfigError as e:
        if key:
            blobcache.put("layer", key, (False, (e.message, e.line, e.key)))
        raise
    if key:
        blobcache.put("layer", key, (True, layer))  # TOML dates do not marshal: such a file is not cached
    return layer


_CODE: list = []  # what else the outcome depends on: this module's version


def _layer_key(path: "str | Path", strict: bool) -> str:
    try:
        st = os.stat(path)
        if not _CODE:
            from routing import __version__

            _CODE.append(f"{__version__}-{os.stat(__file__).st_mtime_ns}")
    except OSError:
        return ""
    return f"{st.st_dev}-{st.st_ino}-{st.st_size}-{st.st_mtime_ns}-{int(strict)}-{_CODE[0]}"


def _read_layer(path: "str | Path", strict: bool) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:  # bounded: the file may be a repository's, or a device
            raw = f.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ConfigError(path, f"over {MAX_FILE_BYTES // 1024} KB: not read (a config file is a few KB)")
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(path, f"not UTF-8 text ({e.reason})") from None
    except OSError as e:
        raise ConfigError(path, f"cannot read: {e.strerror or e}") from None
    try:
        layer = _toml_loads(text)
    except Exception as e:  # tomllib.TOMLDecodeError; message carries line and column
        import re

        m = re.search(r"line (\d+)", str(e))
        raise ConfigError(path, f"invalid TOML: {e}", int(m.group(1)) if m else None) from None
    _validate(path, text, layer, strict)  # lenient loads (the hooks) skip compiling patterns twice
    return layer


def _merge(base: dict[str, Any], layer: Mapping[str, Any]) -> None:
    for key, value in layer.items():
        if key in ("signals", "rules"):
            continue  # applied by routing.router.rules, layer by layer
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = _copy(value)


def _copy(value: Any) -> Any:
    """A deep copy of TOML data (dicts, lists, scalars), without importing copy."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _layer_files(cwd: Optional[str] = None, project_layer: bool = True) -> list[str]:
    found = [paths.user_config_file_str()]
    if not project_layer:
        return found
    project = paths.find_project_config_str(cwd)
    if project is not None:
        found.append(project)
    return found


def layer_paths(cwd: Optional[str] = None) -> list[Path]:
    from pathlib import Path

    return [Path(p) for p in _layer_files(cwd)]


def load(cwd: Optional[str] = None, strict: bool = True, project: bool = True) -> Config:
    """Merge defaults with the user and project files that exist.

    `project=False` reads the user's own file only: for settings that act
    outside the repository (what SessionEnd writes into ~/.claude/settings.json,
    the models baked into the shell wrappers), a cloned repository has no say.
    """
    data = _copy(DEFAULTS)
    layers: list[tuple[str, dict[str, Any]]] = []
    warnings: list[str] = []
    for path in _layer_files(cwd, project):  # str paths: pathlib imports re (via fnmatch), ~6 ms a hook
        if not os.path.isfile(path):
            continue
        try:
            layer = read_layer(path, strict)
        except ConfigError as e:
            if strict:
                raise
            warnings.append(f"skipped {e}")
            continue
        layers.append((path, layer))
        _merge(data, layer)
    return Config(data, layers, warnings)
