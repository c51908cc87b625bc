"""What the hot paths import, and the JSON they parse and write without the json package.

Start-up time is measured in bench/hooks.py; here we only pin down what must
never be imported, since one stray import (click, typing, pathlib) silently
costs every prompt several milliseconds.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.hookrun import HOOKS, SAMPLES, SID, prompt_payload, sample

from routing.core import fastjson

# A priced switch (180k tokens on a warm cache) runs the whole PreModelSwitch path.
NEW_SWITCH = dict(json.loads((SAMPLES.parent / "claude-code-2.1.332" / "hook-stdin-PreModelSwitch.json").read_text()),
                  from_model="claude-sonnet-5-5", to_model="claude-opus-5-5", context_tokens=180_000,
                  estimated_cache_write_usd=0.9)
NEVER = {"click", "psutil", "dataclasses", "inspect", "tomllib", "tomli", "filelock", "pathlib", "typing", "copy"}


def imported_modules(cmd: list[str], stdin: bytes) -> set[str]:
    proc = subprocess.run([sys.executable, "-X", "importtime", *cmd], input=stdin, capture_output=True)
    assert proc.returncode == 0
    lines = [ln for ln in proc.stderr.decode().splitlines() if ln.startswith("import time:") and "|" in ln]
    return {ln.rsplit("|", 1)[1].strip() for ln in lines}


@pytest.mark.parametrize(
    "script, payload",
    [
        ("user_prompt_submit.py", prompt_payload("find the race condition in the job scheduler")),
        ("pre_tool_use.py", sample("hook-stdin-PreToolUse-Agent.json")),
        ("session_start.py", sample("hook-stdin-SessionStart.json")),
        ("status_line.py", sample("statusline-stdin.json")),
        ("pre_model_switch.py", NEW_SWITCH),
        ("post_model_switch.py", dict(NEW_SWITCH, hook_event_name="PostModelSwitch")),
    ],
)
def test_hooks_import_nothing_heavy(script: str, payload: dict) -> None:
    mods = imported_modules([str(HOOKS / script)], json.dumps(payload).encode())
    assert "routing.state.store" in mods  # the probe works
    assert not mods & NEVER, sorted(mods & NEVER)


def test_the_status_line_needs_no_regex_engine_and_no_json_package() -> None:
    payload = json.dumps(dict(sample("statusline-stdin.json"), session_id=SID)).encode()
    for cmd in ([str(HOOKS / "status_line.py")], ["-m", "routing", "status", "--claude"]):
        mods = imported_modules(cmd, payload)
        assert "routing.claude.statusline" in mods
        assert not mods & (NEVER | {"re", "json", "click"}), sorted(mods & (NEVER | {"re", "json"}))


json_data = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


@given(json_data, st.booleans())
def test_fastjson_writes_what_json_writes_and_reads_it_back(value: object, ascii_only: bool) -> None:
    text = fastjson.dumps(value, ensure_ascii=ascii_only)
    assert text == json.dumps(value, separators=(",", ":"), ensure_ascii=ascii_only)
    assert same(fastjson.loads(text), value)
    assert same(fastjson.loads(json.dumps(value, indent=2).encode()), value)


@pytest.mark.parametrize("bad", ["", " ", "{", '{"a": 1} x', "[1,]", "nul", '"\x01"', "\ufeff{}", "{'a': 1}"])
def test_fastjson_rejects_what_json_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        json.loads(bad)
    with pytest.raises(ValueError):
        fastjson.loads(bad)


def test_fastjson_keys_like_json() -> None:
    value = {1: "a", 2.5: "b", True: "c", None: "d"}
    assert fastjson.dumps(value) == json.dumps(value, separators=(",", ":"))
    with pytest.raises(TypeError):
        fastjson.dumps({(1, 2): "x"})
    with pytest.raises(TypeError):
        fastjson.dumps({"a": object()})
