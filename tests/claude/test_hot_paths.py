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


# Ordinary prompts: plain words, a path and a file name, a flag, a call, a fenced paste, a number,
# another language. Each must be routed without `re` (~6 ms to import) and without `json`.
ORDINARY_PROMPTS = [
    "find the race condition in the job scheduler and explain why it only happens under load",
    "rename getUser to fetchUser in src/api/users.ts and update the callers",
    "why does `pytest -x` stop at test_login.py? explain the fixture order",
    "what does os.path.join() do with an absolute second argument?",
    "fix this:\n```python\ndef f(x):\n    return x +\n```",
    "since the ORM bump the nightly import takes 3x longer, about 40 minutes now",
    "ok, go ahead",
    "¿por qué falla el build en CI pero no en local?",
]


@pytest.mark.parametrize("prompt", ORDINARY_PROMPTS)
def test_an_ordinary_prompt_is_routed_without_the_regex_engine_or_the_json_package(prompt: str, tmp_path) -> None:
    transcript = tmp_path / "t.jsonl"
    transcript.write_bytes((SAMPLES / "transcript-main.jsonl").read_bytes())
    payload = prompt_payload(prompt, transcript=str(transcript), cwd=str(tmp_path))
    stdin = json.dumps(payload).encode()
    first = imported_modules([str(HOOKS / "user_prompt_submit.py")], stdin)  # builds the rules cache
    assert "routing.router.classify" in first
    mods = imported_modules([str(HOOKS / "user_prompt_submit.py")], stdin)
    assert "routing.router.classify" in mods  # the probe works
    assert not mods & (NEVER | {"re", "json"}), sorted(mods & (NEVER | {"re", "json"}))


def test_a_repository_with_its_own_config_costs_the_hook_no_pathlib_and_no_regex_engine(tmp_path) -> None:
    """A team's .route.toml is read with str paths: pathlib alone imports re (through fnmatch)."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".route.toml").write_text('[models.codex]\nopus = "gpt-5.2"\n\n[signals.design]\nadd_words = ["sharding plan"]\n')
    payload = prompt_payload(ORDINARY_PROMPTS[0], cwd=str(repo))
    stdin = json.dumps(payload).encode()
    imported_modules([str(HOOKS / "user_prompt_submit.py")], stdin)  # builds the rules and layer caches
    mods = imported_modules([str(HOOKS / "user_prompt_submit.py")], stdin)
    assert "routing.core.blobcache" in mods  # the layer was read (from its cache)
    assert not mods & (NEVER | {"re", "fnmatch"}), sorted(mods & (NEVER | {"re", "fnmatch"}))


def test_a_model_switch_in_the_transcript_needs_no_regex_engine(tmp_path) -> None:
    lines = [
        {"type": "user", "uuid": "u1", "message": {"role": "user", "content":
            "<command-name>/model</command-name>\n<command-message>model</command-message>\n"
            "<command-args>opus</command-args>"}},
        {"type": "user", "uuid": "u2", "message": {"role": "user", "content":
            "<local-command-stdout>Set model to \x1b[1mopus (claude-opus-5)\x1b[22m</local-command-stdout>"}},
    ]
    transcript = tmp_path / "t.jsonl"
    transcript.write_text("".join(json.dumps(line) + "\n" for line in lines))
    stdin = json.dumps(prompt_payload("now refactor the billing module", transcript=str(transcript),
                                      cwd=str(tmp_path))).encode()
    imported_modules([str(HOOKS / "user_prompt_submit.py")], stdin)
    mods = imported_modules([str(HOOKS / "user_prompt_submit.py")], stdin)
    assert "routing.claude.live_model" in mods
    assert not mods & {"re", "json"}, sorted(mods & {"re", "json"})


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
