"""Find and read the usage that Claude Code and Codex record in their transcripts.

Claude Code writes one JSON object a line to `projects/<project>/<session>.jsonl`
(subagents: `projects/<project>/<session>/subagents/agent-*.jsonl`, which belong
to the parent session). Assistant lines carry `message.model` and
`message.usage`; a response written as several lines repeats its usage, so
entries are deduplicated the way ccusage 20.x does it (see `dedup`).
Codex writes `$CODEX_HOME/sessions/**/rollout-*.jsonl`, with the model in
`turn_context` lines and usage in `event_msg` lines of type `token_count`.

Reading never fails the report: a malformed line, a truncated last line (a
session still being written) or an unreadable file is skipped and counted.
Files are parsed in worker processes when there is enough to read; each
worker returns compact tuples, never prompt text (prompts are classified
where they are read, and only the tier leaves the worker).
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Optional

# Entry tuple layout (kept as a plain tuple: 100k of them must be cheap to
# pickle between processes and to hold). KEY and MKEY are hashes of the
# dedup keys (see `entry`): ints pickle and compare faster than the ids.
KEY, MKEY, TS, MODEL, INP, OUT, CW5, CW1, CR, SIDE, ROUTED, SWITCH, FILE = range(13)
_INTERN: dict[str, str] = {}


def entry(mid: Optional[str], rid: Optional[str], sid: str, ts: float, model: Optional[str], inp: int, out: int,
          cw5: int, cw1: int, cr: int, side: bool, routed: Optional[str], switch: bool, file: int) -> tuple:
    """One response's usage. KEY: message.id + requestId (or + session when requestId is missing);
    MKEY: message.id + session, for sidechain replays; both None without a message.id.
    The hashes are Python's, identical in the fork()ed workers and the parent (64-bit: a
    collision among even millions of responses is vanishingly unlikely)."""
    if mid is None:
        key = mkey = None
    else:
        key = hash((mid, rid)) if rid is not None else hash((mid, None, sid))
        mkey = hash((mid, sid))
    if model is not None:
        model = _INTERN.setdefault(model, model)  # one string per model: a smaller pickle
    return (key, mkey, ts, model, inp, out, cw5, cw1, cr, side, routed, switch, file)

_PROMPT_SKIP = ("<command-name>", "<command-message>", "<local-command-", "Caveat:", "<bash-input>",
                "<bash-stdout>", "<bash-stderr>", "<user-memory-input>", "[Request interrupted")


class SourceFile(NamedTuple):
    tool: str  # "claude" or "codex"
    path: str
    project: str
    session: str


class FileResult(NamedTuple):
    index: int
    entries: list  # list of entry tuples
    bad_lines: int
    unreadable: bool
    prompts: int


def claude_roots() -> list[Path]:
    """`$CLAUDE_CONFIG_DIR` (comma-separated) else ~/.config/claude and ~/.claude, with a projects/ dir."""
    env = os.environ.get("CLAUDE_CONFIG_DIR", "").strip()
    home = Path(os.environ.get("HOME") or os.path.expanduser("~"))
    if env:
        dirs = [Path(os.path.expanduser(p.strip())) for p in env.split(",") if p.strip()]
    else:
        dirs = [home / ".config" / "claude", home / ".claude"]
    seen: set[str] = set()
    out = []
    for d in dirs:
        proj = d / "projects"
        try:
            key = str(proj.resolve())
        except OSError:
            continue
        if key not in seen and proj.is_dir():
            seen.add(key)
            out.append(proj)
    return out


def codex_root() -> Optional[Path]:
    env = os.environ.get("CODEX_HOME", "").strip()
    home = Path(os.environ.get("HOME") or os.path.expanduser("~"))
    sessions = (Path(env) if env else home / ".codex") / "sessions"
    return sessions if sessions.is_dir() else None


def find_files(project: Optional[str] = None) -> list[SourceFile]:
    """Every transcript to read, with the project and session it belongs to."""
    found: list[SourceFile] = []
    for root in claude_roots():
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                if not name.endswith(".jsonl"):
                    continue
                full = os.path.join(dirpath, name)
                parts = Path(os.path.relpath(full, root)).parts
                if len(parts) < 2:
                    continue
                proj = parts[0]
                session = parts[1][: -len(".jsonl")] if len(parts) == 2 else parts[1]
                if project is not None and not _project_matches(project, proj):
                    continue
                found.append(SourceFile("claude", full, proj, session))
    croot = codex_root()
    if croot is not None:
        for dirpath, _dirs, files in os.walk(croot):
            for name in files:
                if name.startswith("rollout-") and name.endswith(".jsonl"):
                    full = os.path.join(dirpath, name)
                    found.append(SourceFile("codex", full, "codex", name[len("rollout-"): -len(".jsonl")]))
    found.sort(key=lambda f: f.path)
    return found


def _project_matches(wanted: str, proj_dir: str) -> bool:
    """--project takes the directory name (`-home-dev-proj`), a path, or a path's last part."""
    if wanted == proj_dir:
        return True
    encoded = wanted.replace("/", "-").replace(".", "-").replace("_", "-")
    return encoded == proj_dir or proj_dir.endswith("-" + wanted.strip("/").replace("/", "-"))


_DAY_EPOCH: dict[str, float] = {}
# raw_decode skips json.loads' encoding sniffing and whitespace handling: lines are compact UTF-8.
_decode = json.JSONDecoder().raw_decode


def parse_ts(value: Any) -> Optional[float]:
    """Epoch seconds of an ISO 8601 time with a zone; Claude Code's `...T10:00:00.000Z` on a fast path."""
    if not isinstance(value, str) or not value:
        return None
    if len(value) == 24 and value[10] == "T" and value[23] == "Z" and value[19] == ".":
        day = _DAY_EPOCH.get(value[:10])
        if day is None:
            try:
                day = datetime.fromisoformat(value[:10] + "T00:00:00+00:00").timestamp()
            except ValueError:
                return None
            _DAY_EPOCH[value[:10]] = day
        try:
            return day + int(value[11:13]) * 3600 + int(value[14:16]) * 60 + int(value[17:19]) + int(value[20:23]) / 1000
        except ValueError:
            return None
    try:
        if value.endswith("Z"):
            value = value[:-1] + "+00:00"
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        return None
    return dt.timestamp()


def _int(v: Any) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else 0


def _skim(raw: bytes) -> Any:
    """Parse an assistant line without its `message.content`, the bulk of the line and of no use
    here. Claude Code writes content just before `stop_reason`; anything else returns None
    and the caller parses the whole line."""
    c = raw.find(b'"content":[')
    if c < 0 or b'"assistant"' not in raw[:c]:
        return None
    e = raw.rfind(b'],"stop_reason":')
    if e < c or not raw.rstrip().endswith(b"}"):
        return None
    try:
        obj = _decode((raw[: c + 11] + raw[e:]).decode("utf-8"))[0]
    except ValueError:
        return None
    return obj if obj.__class__ is dict and obj.get("type") == "assistant" else None


def prompt_text(message: Any) -> Optional[str]:
    """The text a person typed, or None for tool results, slash commands and local-command noise."""
    if not isinstance(message, dict):
        return None
    content = message.get("content")
    if isinstance(content, list):
        texts = []
        for block in content:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "tool_result":
                return None
            if block.get("type") == "text" and isinstance(block.get("text"), str):
                texts.append(block["text"])
        content = "\n".join(texts)
    if not isinstance(content, str) or not content.strip():
        return None
    if content.lstrip().startswith(_PROMPT_SKIP):
        return None
    return content


def parse_claude_file(index: int, src: SourceFile, classify: Optional[Callable[[str], str]]) -> FileResult:
    """Assistant usage entries of one Claude Code transcript, each tagged with its turn's routed tier."""
    entries: list = []
    bad = 0
    prompts = 0
    routed: Optional[str] = None
    prev_routed: Optional[str] = None
    turn_open = False
    prev_key: Optional[tuple] = None
    try:
        with open(src.path, "rb") as fh:
            data = fh.read()
    except OSError:
        return FileResult(index, [], 0, True, 0)
    bad = 0
    tail = data[data.rfind(b"\n") + 1:] if not data.endswith(b"\n") else b""
    if tail.strip() and not tail.rstrip().endswith(b"}") and _ASSISTANT not in tail and _USER not in tail:
        bad += 1  # a last line cut short while being written
    for raw, is_assistant, key in _candidate_lines(data, classify is not None):
        if is_assistant is None:
            bad += 1
            continue
        if key is not None and key == prev_key:
            continue  # the same response's next content block, repeating its usage
        obj = _skim(raw) if is_assistant else None
        if obj is None:
            try:
                obj = _decode(raw.decode("utf-8"))[0]
            except ValueError:  # includes UnicodeDecodeError
                bad += 1
                continue
        if not isinstance(obj, dict):
            bad += 1
            continue
        kind = obj.get("type")
        if kind == "user":
            text = prompt_text(obj.get("message"))
            if text is not None and classify is not None:
                routed = classify(text)
                prompts += 1
                turn_open = True
            continue
        if kind != "assistant":
            continue
        msg = obj.get("message")
        if not isinstance(msg, dict):
            continue
        usage = msg.get("usage")
        if not isinstance(usage, dict):
            continue
        ts = parse_ts(obj.get("timestamp"))
        if ts is None:
            bad += 1
            continue
        model = msg.get("model")
        if not isinstance(model, str) or not model or model == "<synthetic>":
            model = None
        inp = usage.get("input_tokens", 0)
        out = usage.get("output_tokens", 0)
        cr = usage.get("cache_read_input_tokens", 0)
        breakdown = usage.get("cache_creation")
        if breakdown.__class__ is dict:
            cw5 = breakdown.get("ephemeral_5m_input_tokens", 0)
            cw1 = breakdown.get("ephemeral_1h_input_tokens", 0)
        else:
            cw5, cw1 = usage.get("cache_creation_input_tokens", 0), 0
        if not (inp.__class__ is int and out.__class__ is int and cr.__class__ is int
                and cw5.__class__ is int and cw1.__class__ is int):
            inp, out, cr, cw5, cw1 = _int(inp), _int(out), _int(cr), _int(cw5), _int(cw1)
        mid = msg.get("id")
        rid = obj.get("requestId")
        sid = obj.get("sessionId")
        if not (isinstance(sid, str) and sid):
            sid = src.session
        switch = False
        if turn_open:
            # First response of a turn: did the router change tier since the last turn?
            switch = prev_routed is not None and routed is not None and routed != prev_routed
            prev_routed = routed
            turn_open = False
        entries.append(entry(
            mid if isinstance(mid, str) and mid else None,
            rid if isinstance(rid, str) and rid else None,
            sid, ts, model, inp, out, cw5, cw1, cr,
            obj.get("isSidechain") is True, routed, switch, index,
        ))
        prev_key = key
    return FileResult(index, collapse(entries), bad, False, prompts)


_ASSISTANT = b'"type":"assistant"'
_USER = b'"type":"user"'


def _candidate_lines(data: bytes, want_user: bool) -> Iterator[tuple[bytes, Optional[bool], Optional[tuple]]]:
    """(line, looks like an assistant line (None: broken), repeat key) for the lines that may
    carry usage or a prompt, found with bytes.find so the many tool-result and bookkeeping
    lines cost no Python work at all. Only such lines are checked and counted when broken.

    The repeat key (message id, the bytes from `"usage":{` to the type marker, which hold the
    usage and requestId) is equal on consecutive lines of one response: Claude Code writes a
    line per content block, each repeating the usage, and only the first needs parsing."""
    size = len(data)
    find, rfind = data.find, data.rfind
    na = find(_ASSISTANT)
    nu = find(_USER) if want_user else -1
    while na >= 0 or nu >= 0:
        is_assistant = nu < 0 or (0 <= na < nu)
        j = na if is_assistant else nu
        if not is_assistant:
            # Claude Code writes `"type":"user","message":{"role":"user","content":` first: a tool
            # result (most user lines) shows within the next few bytes and is passed over whole.
            peek = data[j + 13: j + 85]
            if b'"tool_use_id"' in peek or b'"tool_result"' in peek:
                nu = find(_USER, j + 13)
                continue
        start = rfind(b"\n", 0, j) + 1
        end = find(b"\n", j)
        if end < 0:
            end = size
        if na >= 0 and na < end:
            na = find(_ASSISTANT, end)
        if nu >= 0 and nu < end:
            nu = find(_USER, end)
        last = end - 1
        while last > start and data[last] in b" \t\r":
            last -= 1
        if data[last] != 0x7D:  # "}": cut short or garbled, cannot be a JSON object
            yield data[start:end], None, None
        elif is_assistant:
            u = find(b'"usage":{', start, end)
            if u < 0:
                continue
            key = None
            i = find(b'"id":"', start, u)
            if 0 <= i and u < j:
                key = (data[i: find(b'"', i + 6, u)], data[u:j])
            yield data[start:end], True, key
        elif find(b'"toolUseResult"', start, end) < 0 and find(b'"isMeta":true', start, end) < 0:
            yield data[start:end], False, None


def collapse(entries: list) -> list:
    """Merge one file's repeated lines of a response (same message.id + requestId) before they
    leave the worker; `dedup` then sees each response of the file once, with the same winner."""
    seen: dict[int, int] = {}
    out: list = []
    for e in entries:
        key = e[KEY]
        if key is None:
            out.append(e)
            continue
        i = seen.get(key)
        if i is None:
            seen[key] = len(out)
            out.append(e)
        elif _better(e, out[i]):
            out[i] = _keep_switch(e, out[i])
    return out


def _keep_switch(new: tuple, old: tuple) -> tuple:
    """A replacing copy keeps the turn-start (model switch) mark of the line it replaces."""
    return new if new[SWITCH] or not old[SWITCH] else new[:SWITCH] + (True,) + new[SWITCH + 1:]


def parse_codex_file(index: int, src: SourceFile) -> FileResult:
    """Usage of one Codex rollout: `token_count` events, priced by the latest `turn_context` model.

    Codex reports input including cached input; entries store the uncached
    part as input and the cached part as cache read, matching Claude's shape.
    """
    entries: list = []
    bad = 0
    model: Optional[str] = None
    session = src.session
    prev_total: Optional[tuple[int, int, int]] = None
    try:
        fh = open(src.path, "rb")
    except OSError:
        return FileResult(index, [], 0, True, 0)
    n = 0
    try:
        with fh:
            for raw in fh:
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                except ValueError:
                    bad += 1
                    continue
                if not isinstance(obj, dict):
                    bad += 1
                    continue
                payload = obj.get("payload")
                if not isinstance(payload, dict):
                    continue
                kind = obj.get("type")
                if kind == "session_meta" and isinstance(payload.get("id"), str):
                    session = payload["id"]
                    continue
                if kind == "turn_context" and isinstance(payload.get("model"), str):
                    model = payload["model"]
                    continue
                if kind != "event_msg" or payload.get("type") != "token_count":
                    continue
                info = payload.get("info")
                if not isinstance(info, dict):
                    continue
                last = info.get("last_token_usage")
                total = info.get("total_token_usage")
                if isinstance(total, dict):
                    t = (_int(total.get("input_tokens")), _int(total.get("cached_input_tokens")),
                         _int(total.get("output_tokens")))
                    if t == prev_total:
                        continue  # the same totals re-reported: no new request
                    if not isinstance(last, dict) and prev_total is not None:
                        last = {"input_tokens": t[0] - prev_total[0], "cached_input_tokens": t[1] - prev_total[1],
                                "output_tokens": t[2] - prev_total[2]}
                    elif not isinstance(last, dict):
                        last = total
                    prev_total = t
                if not isinstance(last, dict):
                    continue
                ts = parse_ts(obj.get("timestamp"))
                if ts is None:
                    bad += 1
                    continue
                m = model or (info.get("model") if isinstance(info.get("model"), str) else None) or "gpt-5"
                inp_all = _int(last.get("input_tokens"))
                cached = min(_int(last.get("cached_input_tokens")), inp_all)
                n += 1
                entries.append(entry(f"codex:{session}:{n}", None, session, ts, m, inp_all - cached,
                                     _int(last.get("output_tokens")), 0, 0, cached, False, None, False, index))
    except OSError:
        return FileResult(index, entries, bad, True, 0)
    return FileResult(index, entries, bad, False, 0)


class Dedup:
    """Count each response once, as ccusage 20.x does, fed entries in file order.

    - message.id + requestId present: one entry across all files and sessions.
    - requestId missing: one entry per message.id within a session.
    - a sidechain line replaying a parent message (same id, session and
      timestamp, another requestId) is a copy.
    - no message.id: never a duplicate.
    Of two copies the main-chain one wins, then the one with more tokens.
    `on_add`/`on_remove` see every change, so totals can be kept as entries stream in.
    """

    def __init__(self, on_add: Optional[Callable[[tuple], None]] = None,
                 on_remove: Optional[Callable[[tuple], None]] = None) -> None:
        self.kept: list[tuple] = []
        self._exact: dict[int, int] = {}
        self._by_msg: dict[int, list[int]] = {}
        self._on_add = on_add
        self._on_remove = on_remove

    def extend(self, entries: Iterable[tuple]) -> None:
        kept, exact, by_msg, on_add = self.kept, self._exact, self._by_msg, self._on_add
        for e in entries:
            key = e[KEY]
            if key is None:
                kept.append(e)
                if on_add is not None:
                    on_add(e)
                continue
            idx = exact.get(key)
            if idx is None:
                for j in by_msg.get(e[MKEY], ()):
                    other = kept[j]
                    if other[TS] == e[TS] and (e[SIDE] or other[SIDE]):
                        idx = j
                        break
            if idx is not None:
                old = kept[idx]
                if _better(e, old):
                    kept[idx] = new = _keep_switch(e, old)
                    exact[key] = idx
                    if self._on_remove is not None:
                        self._on_remove(old)
                    if on_add is not None:
                        on_add(new)
                continue
            exact[key] = len(kept)
            by_msg.setdefault(e[MKEY], []).append(len(kept))
            kept.append(e)
            if on_add is not None:
                on_add(e)


def dedup(entries: Iterable[tuple]) -> list[tuple]:
    d = Dedup()
    d.extend(entries)
    return d.kept


def _better(candidate: tuple, existing: tuple) -> bool:
    if candidate[SIDE] != existing[SIDE]:
        return existing[SIDE]
    return _tokens(candidate) > _tokens(existing)


def _tokens(e: tuple) -> int:
    return e[INP] + e[OUT] + e[CW5] + e[CW1] + e[CR]
