"""Hostile hook inputs: a seeded generator shared by the suite's small fuzz run and bench/fuzz.py's large one."""

from __future__ import annotations

import json
import random
from typing import Any

ODD_TEXT = ["", " ", "\n", "\ud800", "\udfff", "\x1b]0;title\x07", "\x00", "é" * 3, "🙂", "a" * 5000,
            "../../etc/passwd", "/dev/zero", "/dev/tty", "${HOME}", "'; rm -rf ~;'", "\r\n", "opus", "claude-opus-4-8",
            "<command-name>/model</command-name>", "null", "NaN"]
ODD_VALUES: list[Any] = [None, True, False, 0, -1, 2**63, 1.5, float("inf"), [], {}, [1, "x"], {"a": {"b": []}}]
KEYS = ["session_id", "prompt", "transcript_path", "cwd", "model", "source", "reason", "tool_name", "tool_input",
        "hook_event_name", "cost", "context_window", "display_name", "id", "subagent_type", "description"]


def value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(ODD_TEXT) + (rng.choice(ODD_TEXT) if rng.random() < 0.3 else "")
    if roll < 0.7 or depth > 2:
        return rng.choice(ODD_VALUES)
    if roll < 0.85:
        return {rng.choice(KEYS): value(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    return [value(rng, depth + 1) for _ in range(rng.randint(0, 3))]


def payload(rng: random.Random) -> dict[str, Any]:
    """One hook payload: mostly the right keys, with wrong types, odd text and odd nesting."""
    p: dict[str, Any] = {k: value(rng) for k in rng.sample(KEYS, rng.randint(0, len(KEYS)))}
    if rng.random() < 0.5:
        p["tool_name"] = rng.choice(["Agent", "Task", "Bash"])
    if rng.random() < 0.5:
        p["model"] = {"id": value(rng), "display_name": value(rng)}
    return p


def raw(rng: random.Random) -> bytes:
    """A payload as stdin bytes: sometimes cut short, sometimes not JSON at all."""
    text = json.dumps(payload(rng), allow_nan=True)
    roll = rng.random()
    if roll < 0.1:
        return text[: rng.randint(0, len(text))].encode("utf-8", "surrogatepass")
    if roll < 0.15:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
    return text.encode("utf-8", "surrogatepass")
