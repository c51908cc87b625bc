"""Generate a realistic Claude Code transcript tree, and the totals it must produce.

Shaped like what Claude Code 2.1.197 writes (see shared/host-samples): compact
JSON lines, responses split over several lines that repeat one usage,
tool-result user lines, subagent files under <session>/subagents/ with
isSidechain, a sidechain replay of a parent response, a response copied into
a resumed session, `<synthetic>` lines, malformed and truncated lines, an
unreadable file, several days and models, 1-hour cache writes and long
contexts. Used by the report tests and by bench/report.py.
"""

from __future__ import annotations

import json
import os
import random
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional

MODELS = ["claude-opus-4-8", "claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001", "claude-opus-4-1-20250805",
          "claude-sonnet-5", "claude-sonnet-4-6"]
PROMPTS = [
    "where is parse_config defined?", "explain what this function does", "fix the failing test in test_parser.py",
    "refactor the config loader to use dataclasses", "design a sharded, lock-free cache for our distributed queue",
    "yes, go ahead", "that's wrong, it still crashes with a race condition", "rename foo to bar in utils.py",
    "why does the build fail on CI only?", "write a migration for the users table",
]


def _dump(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))


class Tree:
    """Writes the tree and keeps the ground truth: unique usage per model."""

    def __init__(self, root: Path, seed: int = 7, now: Optional[datetime] = None, text: float = 1.0) -> None:
        self.root = root
        self.filler = "lorem ipsum dolor sit amet " * max(1, int(8 * text))
        self.rng = random.Random(seed)
        self.now = now or datetime.now(timezone.utc).replace(microsecond=0)
        self.expected: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.responses = 0
        self.assistant_lines = 0
        self.bad_lines = 0
        self.unreadable = 0
        self._n = 0

    def _id(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}_{self._n:012x}{self.rng.getrandbits(32):08x}"

    def _usage(self, model: str, long: bool = False) -> dict[str, Any]:
        r = self.rng
        cw5 = r.choice([0, 0, r.randint(100, 5000)])
        cw1 = r.choice([0, 0, 0, r.randint(100, 3000)])
        cr = r.randint(250_000, 400_000) if long else r.randint(0, 60_000)
        return {
            "input_tokens": r.randint(1, 400) if not long else r.randint(201_000, 260_000),
            "cache_creation_input_tokens": cw5 + cw1,
            "cache_read_input_tokens": cr,
            "output_tokens": r.randint(1, 3000),
            "server_tool_use": {"web_search_requests": 0, "web_fetch_requests": 0},
            "service_tier": "standard",
            "cache_creation": {"ephemeral_1h_input_tokens": cw1, "ephemeral_5m_input_tokens": cw5},
            "inference_geo": "", "iterations": [], "speed": "standard",
        }

    def _count(self, model: str, usage: dict[str, Any]) -> None:
        e = self.expected[model]
        e["input_tokens"] += usage["input_tokens"]
        e["output_tokens"] += usage["output_tokens"]
        e["cache_write_tokens"] += usage["cache_creation"]["ephemeral_5m_input_tokens"] + \
            usage["cache_creation"]["ephemeral_1h_input_tokens"]
        e["cache_read_tokens"] += usage["cache_read_input_tokens"]
        e["requests"] += 1
        self.responses += 1

    def _base(self, session: str, ts: datetime, cwd: str, side: bool, agent: Optional[str]) -> dict[str, Any]:
        d = {"parentUuid": self._id("u"), "isSidechain": side, "userType": "external", "cwd": cwd,
             "sessionId": session, "version": "2.1.197", "gitBranch": "main", "uuid": self._id("u"),
             "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"}
        if agent:
            d["agentId"] = agent
        return d

    def _assistant(self, lines: list[str], session: str, ts: datetime, cwd: str, model: str, side: bool = False,
                   agent: Optional[str] = None, long: bool = False) -> tuple[str, str, dict[str, Any]]:
        mid, rid = self._id("msg"), self._id("req")
        usage = self._usage(model, long)
        blocks = self.rng.randint(1, 3)  # one line per content block, each repeating the usage
        for b in range(blocks):
            content = [{"type": "text", "text": self.filler * self.rng.randint(1, 6)}] if b < blocks - 1 else \
                [{"type": "tool_use", "id": self._id("toolu"), "name": "Read", "input": {"file_path": "/x/a.py"}}]
            d = self._base(session, ts, cwd, side, agent)
            d.update({"message": {"id": mid, "type": "message", "role": "assistant", "model": model,
                                  "content": content, "stop_reason": None, "stop_sequence": None, "usage": usage},
                      "requestId": rid, "type": "assistant"})
            lines.append(_dump(d))
            self.assistant_lines += 1
        self._count(model, usage)
        return mid, rid, usage

    def _user(self, lines: list[str], session: str, ts: datetime, cwd: str, text: str, side: bool = False,
              agent: Optional[str] = None) -> None:
        d = self._base(session, ts, cwd, side, agent)
        d.update({"type": "user", "message": {"role": "user", "content": text}, "promptId": self._id("p")})
        if not side:
            d.update({"origin": {"kind": "human"}, "promptSource": "typed"})
        lines.append(_dump(d))

    def _tool_result(self, lines: list[str], session: str, ts: datetime, cwd: str, side: bool,
                     agent: Optional[str]) -> None:
        d = self._base(session, ts, cwd, side, agent)
        d.update({"type": "user", "message": {"role": "user", "content": [
            {"tool_use_id": self._id("toolu"), "type": "tool_result", "content": self.filler * 4}]},
            "toolUseResult": {"type": "text", "file": {"content": self.filler * 10}}})
        lines.append(_dump(d))

    def session(self, project: str, day_offset: int, turns: int, model: str, subagent: bool = False,
                cwd: str = "/home/dev/proj") -> tuple[str, list[str]]:
        """One session file (plus a subagent file when asked); returns its id and main lines."""
        rng = self.rng
        sid = f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}-8{rng.getrandbits(12):03x}-{rng.getrandbits(48):012x}"
        ts = (self.now - timedelta(days=day_offset)).replace(hour=10, minute=0, second=0) + \
            timedelta(minutes=rng.randint(0, 600))
        lines = [_dump({"type": "permission-mode", "permissionMode": "default", "sessionId": sid})]
        sub_lines: list[str] = []
        for t in range(turns):
            ts += timedelta(seconds=rng.randint(5, 120))
            self._user(lines, sid, ts, cwd, rng.choice(PROMPTS))
            for call in range(rng.randint(1, 4)):
                ts += timedelta(seconds=rng.randint(1, 30), milliseconds=rng.randint(0, 999))
                m = model if rng.random() > 0.15 else rng.choice(MODELS)
                self._assistant(lines, sid, ts, cwd, m, long=(m.startswith("claude-sonnet-4-5") and rng.random() < 0.2))
                self._tool_result(lines, sid, ts, cwd, False, None)
            if subagent and t == 0:
                agent = f"a{rng.getrandbits(60):015x}"
                sts = ts + timedelta(seconds=1)
                self._user(sub_lines, sid, sts, cwd, "Find every caller of parse_config", side=True, agent=agent)
                for _ in range(rng.randint(1, 3)):
                    sts += timedelta(seconds=2)
                    self._assistant(sub_lines, sid, sts, cwd, "claude-haiku-4-5-20251001", side=True, agent=agent)
        # a `<synthetic>` line: no model, zero usage (Claude Code writes these for local errors)
        d = self._base(sid, ts, cwd, False, None)
        d.update({"type": "assistant", "message": {"id": self._id("msg"), "model": "<synthetic>", "role": "assistant",
                  "content": [{"type": "text", "text": "No response requested."}],
                  "usage": {"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0,
                            "cache_read_input_tokens": 0}}})
        lines.append(_dump(d))
        pdir = self.root / "projects" / project
        pdir.mkdir(parents=True, exist_ok=True)
        if sub_lines:
            sdir = pdir / sid / "subagents"
            sdir.mkdir(parents=True, exist_ok=True)
            (sdir / f"agent-{agent}.jsonl").write_text("\n".join(sub_lines) + "\n")
            (sdir / f"agent-{agent}.meta.json").write_text('{"agentType":"general-purpose"}')
        return sid, lines

    def write(self, project: str, sid: str, lines: list[str], tail: str = "\n") -> Path:
        path = self.root / "projects" / project / f"{sid}.jsonl"
        path.write_text("\n".join(lines) + tail)
        return path


def build_tree(root: Path, sessions: int = 12, turns: int = 6, seed: int = 7, days: int = 5,
               now: Optional[datetime] = None, edge_cases: bool = True, text: float = 1.0) -> Tree:
    """A tree of `sessions` sessions over `days` days; with edge_cases, every kind of mess."""
    tree = Tree(root, seed, now, text)
    projects = ["-home-dev-proj", "-home-dev-api", "-srv-work-mono"]
    first_lines: list[str] = []
    for i in range(sessions):
        project = projects[i % len(projects)]
        sid, lines = tree.session(project, i % days, turns, MODELS[i % len(MODELS)], subagent=(i % 3 == 0))
        if edge_cases and i == 1:
            lines.insert(3, '{"type":"assistant","message":{"id":"msg_broken"')  # malformed line
            lines.insert(4, 'garbled {"type":"assistant","message":{"usage":{}} }}')
            tree.bad_lines += 2
        if edge_cases and i == 2 and first_lines:
            # a resumed session copies an earlier response (same message.id + requestId)
            lines.insert(2, next(x for x in first_lines if '"type":"assistant"' in x))
        if edge_cases and i == 4:
            # a sidechain replay of a parent response: same message id and timestamp, another requestId
            parent = json.loads(next(x for x in lines if '"type":"assistant"' in x))
            replay = dict(parent, isSidechain=True, requestId=tree._id("req"))
            sdir = root / "projects" / project / sid / "subagents"
            sdir.mkdir(parents=True, exist_ok=True)
            (sdir / "agent-aside.jsonl").write_text(_dump(replay) + "\n")
        tail = "\n"
        if edge_cases and i == 3:
            # truncated: a session still being written
            lines.append('{"parentUuid":"x","isSidechain":false,"type":"assistant","message":{"id":"msg_tr')
            tail = ""
            tree.bad_lines += 1
        tree.write(project, sid, lines, tail)
        if i == 0:
            first_lines = lines
    if edge_cases:
        broken = root / "projects" / projects[0] / "gone.jsonl"
        os.symlink(root / "does-not-exist.jsonl", broken)  # unreadable, even for root
        tree.unreadable += 1
    return tree
