"""Parse one Claude Code transcript into usage entries, fast.

Only lines that may carry usage or a prompt are looked at (found with
bytes.find), assistant lines are parsed without their message.content,
and the repeated lines of one response are passed over before parsing.
Each response is tagged with the tier the router picks for the prompt that
started its turn, and whether that tier differs from the previous turn's.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator, Optional

from routing.report.dedup import better, keep_switch
from routing.report.sources import KEY, FileResult, SourceFile, entry, parse_ts, to_int

_PROMPT_SKIP = ("<command-name>", "<command-message>", "<local-command-", "Caveat:", "<bash-input>",
                "<bash-stdout>", "<bash-stderr>", "<user-memory-input>", "[Request interrupted")

# raw_decode skips json.loads' encoding sniffing and whitespace handling: lines are compact UTF-8.
_decode = json.JSONDecoder().raw_decode


def _skim(raw: bytes) -> Any:
    """Parse an assistant line without its `message.content`, the bulk of the line and of no use
    here. Claude Code writes content just before `stop_reason`; anything else returns None
    and the caller parses the whole line."""
    c = raw.find(b'"content":[')
    if c < 0 or raw.find(b'"assistant"', 0, c) < 0:
        return None
    e = raw.rfind(b'],"stop_reason":')
    if e < c:  # (the caller has checked that the line is whole)
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
            inp, out, cr, cw5, cw1 = to_int(inp), to_int(out), to_int(cr), to_int(cw5), to_int(cw1)
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
        elif better(e, out[i]):
            out[i] = keep_switch(e, out[i])
    return out
