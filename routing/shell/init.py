"""Render shell/route.{bash,zsh,fish} into the code `route init SHELL` prints.

The templates are real shell files (linted with shellcheck); rendering only
fills `@@NAME@@` slots with quoted values: the absolute path of this `route`,
and the models and effort the wrappers pass. Users (or the installer) may
cache the output, so it must not depend on anything but config and paths.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any, Optional, Sequence

from routing.core.tiers import TIERS

SHELLS = ("bash", "zsh", "fish")
_SLOT = re.compile(r"@@([A-Z_]+)@@")
_HINTS = re.compile(r"^@@HINTS_BEGIN@@\n(.*?)^@@HINTS_END@@\n", re.S | re.M)


class UnknownShell(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unsupported shell {name!r}: route init supports {', '.join(SHELLS)}")


def quote(shell: str, value: str) -> str:
    """One shell word holding exactly `value`."""
    if shell == "fish":
        # fish single quotes: only \\ and \' are special.
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "'" + value.replace("'", "'\\''") + "'"


def route_command(argv0: Optional[str] = None) -> list[str]:
    """How the generated code runs this modelroute: absolute paths, never a PATH lookup.

    A PATH lookup could find net-tools `route` or another install.
    """
    argv0 = sys.argv[0] if argv0 is None else argv0
    if argv0 and os.path.basename(argv0) in ("route", "modelroute") and os.path.isfile(argv0):
        return [os.path.abspath(argv0)]
    bindir = os.path.dirname(sys.executable)
    for name in ("modelroute", "route"):
        cand = os.path.join(bindir, name)
        if os.access(cand, os.X_OK):
            return [cand]
    return [sys.executable, "-m", "routing"]


def _toml_assign(key: str, value: str) -> str:
    # -c values are parsed as TOML: a quoted string stays a string ("5" would be a number).
    return f"{key}={json.dumps(value)}"


def slots(config: Any) -> dict[str, str]:
    """Unquoted values for every slot in the templates."""
    from routing import __version__

    out = {"VERSION": f"modelroute {__version__}", "ROUTE": ""}
    for tool in ("codex", "claude", "cursor"):
        for tier in TIERS:
            model = config.model_for(tool, tier)
            out[f"{tool.upper()}_{tier.upper()}"] = _toml_assign("model", model) if tool == "codex" else model
    out["CODEX_EFFORT"] = _toml_assign("model_reasoning_effort", str(config.get("codex", "deep_effort")))
    out["MODELS"] = models_fingerprint(out)
    return out


def models_fingerprint(values: dict[str, str]) -> str:
    """A short digest of the models and effort a rendering bakes in (not paths or version)."""
    from hashlib import blake2b

    baked = sorted((k, v) for k, v in values.items() if k not in ("VERSION", "ROUTE", "MODELS"))
    return blake2b(json.dumps(baked).encode(), digest_size=6).hexdigest()


def template(shell: str) -> str:
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates", f"route.{shell}")
    with open(path, encoding="utf-8") as f:
        return f.read()


def render(shell: str, config: Any, route: Optional[Sequence[str]] = None, hints: Optional[bool] = None) -> str:
    if shell not in SHELLS:
        raise UnknownShell(shell)
    route = list(route or route_command())
    values = slots(config)
    text = template(shell)
    if hints is None:
        hints = bool(config.get("shell", "hints"))
    if hints:
        text = _HINTS.sub(lambda m: m.group(1), text)
    else:
        text = _HINTS.sub("# pre-exec hints are off (shell.hints = false in the modelroute config)\n", text)

    def fill(m: "re.Match[str]") -> str:
        name = m.group(1)
        if name == "ROUTE":
            return " ".join(quote(shell, w) for w in route)
        if name == "VERSION":
            return values[name]
        return quote(shell, values[name])

    return _SLOT.sub(fill, text)


def fast_init(args: Sequence[str]) -> bool:
    """`route init SHELL [--no-hints]` without click, which alone costs ~50 ms.

    An rc file may run this at every shell start. Anything unusual (no shell
    named, --help, a broken config) returns False: the click command handles
    it and reports errors properly.
    """
    rest = list(args)
    hints: Optional[bool] = None
    if "--no-hints" in rest:
        rest.remove("--no-hints")
        hints = False
    if len(rest) != 1 or rest[0] not in SHELLS:
        return False
    from routing.core.config import ConfigError, load

    try:
        config = load(strict=True, project=False)  # the user's own models, wherever the shell starts
    except ConfigError:
        return False
    sys.stdout.write(render(rest[0], config, hints=hints))
    sys.stdout.flush()
    return True
