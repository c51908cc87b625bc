"""Parse one Claude Code transcript into usage entries, pricing each as recorded and as routed.

Three paths, fastest first, all giving the same entries (a test checks):
- Whole file: msgspec's decode_lines turns every line into a `_Line`, a strictly
  typed struct of only the fields read here (tool output and most of each line
  are skipped without being built). One call per file: the 1e5-line bench tree
  (170 MB) decodes in 0.27 s, about twice the cost of finding its lines at all.
- A file with a broken line or a field of an unexpected type, written compactly
  as Claude Code does: only the lines that may carry usage or a prompt are looked
  at (found with bytes.find), each assistant line decoded into a typed struct.
  (Measured on 30k assistant lines: stdlib json 0.21 s, orjson 0.083 s, msgspec
  generic 0.085 s, msgspec into a struct 0.043 s.)
- Any other spacing (`"type": "assistant"`): every line decoded whole.
Any valid JSON line counts and a broken one is counted as skipped. The repeated
lines of one response (a line per content block) count once.

Each main-thread prompt is classified by modelroute's router in the session's
context and replayed through the hook's policy (routing.report.whatif); only tiers
leave this module, never prompt text.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Union

import msgspec

from routing.core.tiers import TIERS, tier_of_model
from routing.report import whatif
from routing.report.pricing import DAY, PER, Price, PriceBook, cost, flat_rates, tier_model
from routing.report.records import DELEGATED, ROUTED_SUBAGENT, SWITCHED, Entry, ParseState
from routing.report.sources import Parsed, SourceFile, _blake2b, parse_ts, stable_key, to_int
from routing.router import policy
from routing.router.context import prev_kind
from routing.router.injected import is_injected_row, not_typed

class _Usage(msgspec.Struct):
    input_tokens: Any = 0
    output_tokens: Any = 0
    cache_creation_input_tokens: Any = 0
    cache_read_input_tokens: Any = 0
    cache_creation: Any = None


class _Block(msgspec.Struct):
    type: Any = None
    name: Any = None
    text: Any = None


class _Message(msgspec.Struct):
    id: Any = None
    model: Any = None
    usage: Optional[_Usage] = None
    content: Optional[list[_Block]] = None  # only the block types, tool names and texts are built


class _Assistant(msgspec.Struct):
    type: Any = None
    message: Optional[_Message] = None
    requestId: Any = None
    timestamp: Any = None
    sessionId: Any = None
    isSidechain: Any = False
    isApiErrorMessage: Any = False


class _Writes(msgspec.Struct, gc=False):
    ephemeral_5m_input_tokens: int = 0
    ephemeral_1h_input_tokens: int = 0


class _LineUsage(msgspec.Struct, gc=False):
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation: Optional[_Writes] = None


class _LineBlock(msgspec.Struct, gc=False):
    type: Optional[str] = None
    name: Optional[str] = None
    text: Optional[str] = None


class _LineMessage(msgspec.Struct, gc=False):
    id: Optional[str] = None
    model: Optional[str] = None
    usage: Optional[_LineUsage] = None
    content: Union[str, list[_LineBlock], None] = None


_NO_RAW = msgspec.Raw(b"")


class _Line(msgspec.Struct, gc=False):
    """Every field the report reads from any line, strictly typed: a file whose lines all fit is
    decoded in one call (decode_lines); any other file takes the line-by-line paths."""

    type: Optional[str] = None
    message: Optional[_LineMessage] = None
    requestId: Optional[str] = None
    timestamp: Optional[str] = None
    sessionId: Optional[str] = None
    isSidechain: bool = False
    isApiErrorMessage: bool = False
    isMeta: bool = False
    promptSource: Optional[str] = None
    toolUseResult: msgspec.Raw = _NO_RAW  # only whether it is there
    origin: Any = None


_decode_lines = msgspec.json.Decoder(_Line).decode_lines
_decode_assistant = msgspec.json.Decoder(_Assistant).decode
_decode_any = msgspec.json.Decoder().decode
_ASSISTANT = b'"type":"assistant"'
_USER = b'"type":"user"'


_INTERRUPTED = "[Request interrupted"


def prompt_text(row: dict) -> Optional[str]:
    """The text a person typed, or None for tool results, commands and host-injected turns
    (routing.router.injected.is_injected_row, which the hook uses too, and
    routing.router.injected.not_typed for command and local-command noise)."""
    if row.get("promptSource") == "system" or row.get("isMeta") is True or "toolUseResult" in row:
        return None
    if is_injected_row(row):  # the hook's own test (routing.router.injected): it skips these turns too
        return None
    message = row.get("message")
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
    if not_typed(content):
        return None
    return content


def _compact(data: bytes) -> bool:
    """Claude Code writes `"type":"..."` with no spaces; anything else takes the general path."""
    return b'"type": ' not in data and b'"type" ' not in data


def subagent_pinned(path: str) -> bool:
    """Whether a subagent's model was chosen by its caller or its agent (so the hook stood aside):
    Claude Code 2.1.332's `<agent>.meta.json` names the model unless `modelNotNamed`; Explore pins haiku."""
    try:
        with open(path[: -len(".jsonl")] + ".meta.json", "rb") as fh:
            meta = _decode_any(fh.read(65536))
    except (OSError, msgspec.DecodeError):
        return False
    if not isinstance(meta, dict):
        return False
    if meta.get("agentType") == "Explore":
        return True
    return bool(meta.get("model")) and meta.get("modelNotNamed") is not True


class Replay:
    """Carries one transcript through modelroute's policy, response by response."""

    def __init__(self, src: SourceFile, prices: PriceBook, classify: Callable[..., tuple[str, str, str]],
                 state: Optional[ParseState], pinned: Callable[[str], bool] = subagent_pinned) -> None:
        self.src, self.prices, self.classify = src, prices, classify
        self.st = state or ParseState()
        if state is None and src.side:
            self.st.sub_pinned = pinned(src.path)
        self._price: dict[tuple[Optional[str], int], Optional[Price]] = {}
        self._tiers: dict[Optional[str], Any] = {}
        self._tier_price: dict[tuple[str, int], Optional[Price]] = {}
        self._last_model: Optional[str] = None
        self._last_day = -1
        self._last_price: Optional[Price] = None
        self._last_tier: Optional[str] = None
        self._last_rates: Optional[tuple[float, float, float, float, float]] = None

    def price(self, model: Optional[str], day: int) -> Optional[Price]:
        key = (model, day)
        p = self._price.get(key, False)
        if p is False:
            p = self._price[key] = self.prices.resolve(model, day)[1] if model else None
        return p  # type: ignore[return-value]

    def tier_price(self, tier: str, day: int) -> Optional[Price]:
        """The price of the model a tier stood for on `day` (the what-if's other models)."""
        key = (tier, day)
        p = self._tier_price.get(key, False)
        if p is False:
            p = self._tier_price[key] = self.price(tier_model(tier, day), day)
        return p  # type: ignore[return-value]

    def turn_line(self, blocks: Any, is_dict: bool, api_error: bool) -> None:
        """A main-thread assistant line: the tools it used and its text name the turn for the next
        prompt, as routing.claude.last_turn does for the hook."""
        st = self.st
        st.turn_seen = True
        st.turn_interrupted = False
        text = None
        if blocks:
            if is_dict:
                blocks = [_Block(b.get("type"), b.get("name"), b.get("text")) for b in blocks if isinstance(b, dict)]
            for b in blocks:
                kind = b.type
                if kind == "tool_use":
                    name = b.name
                    if name.__class__ is str and name not in st.turn_tools:
                        st.turn_tools.append(name)
                elif kind == "text" and text is None and b.text.__class__ is str:
                    text = b.text
        if text is not None:
            st.turn_text = text  # trimmed when the state is kept (keep_state)
            st.turn_error = False
        if api_error:
            st.turn_error = True

    def keep_state(self) -> ParseState:
        """The state to store: the turn's text cut to what prev_kind reads."""
        self.st.turn_text = self.st.turn_text.strip()[-600:]
        return self.st

    def interrupted(self) -> None:
        self.st.turn_interrupted = True

    def prompt(self, text: str) -> None:
        st = self.st
        st.prompts += 1
        if self.src.side:
            if not st.task_seen:  # a subagent's task, routed as the PreToolUse hook does (no context)
                st.task_seen = True
                st.sub_tier = self.classify(text, None, (), 0, None)[0]
            return
        h = st.ctx
        st.history = h
        prev = (prev_kind(st.turn_tools, st.turn_text, st.turn_interrupted or st.turn_error) if st.turn_seen
                else None)
        st.turn_tools, st.turn_text, st.turn_seen, st.turn_interrupted, st.turn_error = [], "", False, False, False
        recent_auto, recent_fol = st.recent_auto, st.recent_fol  # lists: the router's Context copies them
        tier, kind, intent = self.classify(text, st.live, recent_auto, st.esc_auto, prev)
        st.auto_act = policy.action(kind, tier, intent, st.live, recent_auto, h)
        if st.sim == st.live and recent_fol == recent_auto and st.esc_fol == st.esc_auto:
            ftier, fkind, fintent = tier, kind, intent  # both scenarios stand where they did: same answers
            st.fol_act = st.auto_act
        else:
            ftier, fkind, fintent = self.classify(text, st.sim, recent_fol, st.esc_fol, prev)
            st.fol_act = policy.action(fkind, ftier, fintent, st.sim, recent_fol, h)
        recent_auto.append(tier)  # the latest five, oldest first
        if len(recent_auto) > 5:
            del recent_auto[0]
        recent_fol.append(ftier)
        if len(recent_fol) > 5:
            del recent_fol[0]
        st.esc_auto += kind == "escalate"
        st.esc_fol += fkind == "escalate"
        if st.fol_act in (policy.UP, policy.DOWN):
            st.sim = ftier
            st.pending_switch = True
        st.routed = ftier
        st.overhead_due = policy.DELEGATE in (st.auto_act, st.fol_act)
        st.sub_lo = st.sub_hi = 0

    def response(self, key: Optional[int], mkey: Optional[int], ts: float, model: Optional[str], inp: int,
                 out: int, cw5: int, cw1: int, cr: int, side: bool) -> Entry:
        st = self.st
        day = int(ts // DAY)
        if model == self._last_model and day == self._last_day:  # most responses: as the one before
            p, rec, rates = self._last_price, self._last_tier, self._last_rates
        else:
            p = self.price(model, day)
            rec = self._tiers.get(model, False)
            if rec is False:
                rec = self._tiers[model] = tier_of_model(model)
            rates = flat_rates(p) if p is not None else None
            self._last_model, self._last_day, self._last_price, self._last_tier = model, day, p, rec
            self._last_rates = rates
        if rates is not None:  # cost(p, ...), inlined: once per response of every file
            r_in, r_out, r_5m, r_1h, r_read = rates
            c = (inp * r_in + out * r_out + cw5 * r_5m + cw1 * r_1h + cr * r_read) / PER
        else:
            c = cost(p, inp, out, cw5, cw1, cr) if p is not None else 0.0
        flags = 0
        if self.src.side or side:
            lo = hi = c
            target = st.sub_tier
            if target in TIERS and not st.sub_pinned and rec is not None and target != rec:
                tp = self.tier_price(target, day)
                if tp is not None:
                    lo, hi = whatif.repriced(tp, inp, out, cw5, cw1, cr, whatif.cheaper(target, rec))
                    flags = ROUTED_SUBAGENT
            return Entry(key, mkey, ts, model, inp, out, cw5, cw1, cr, side, c, lo, hi, lo, hi, 0.0, 0.0,
                         target if self.src.side else None, flags)

        prompt = inp + cw5 + cw1 + cr
        if (not st.pending_switch and not st.auto_act and not st.fol_act and (st.sim is None or st.sim == rec)
                and rec is not None):  # nothing to replay differently: the common case
            st.live = rec
            if st.sim is None:
                st.sim = rec
            st.ctx = prompt + out
            return Entry(key, mkey, ts, model, inp, out, cw5, cw1, cr, side, c, c, c, c, c, 0.0, 0.0, st.routed, 0)
        h = st.history
        auto_lo = auto_hi = c
        over_auto = over_fol = 0.0
        if policy.DELEGATE in (st.auto_act, st.fol_act):
            hp = self.tier_price("haiku", day)
            if hp is not None:
                d_lo, d_hi, st.sub_lo, st.sub_hi = whatif.delegated(hp, prompt, out, h, st.sub_lo, st.sub_hi)
            else:
                d_lo = d_hi = c
            if st.overhead_due:
                st.overhead_due = False
                if p is not None:
                    over_auto = whatif.relay_overhead(p, h)
                sp = self.tier_price(st.sim, day) if st.sim in TIERS and st.sim != rec else p
                if sp is p:
                    over_fol = over_auto
                elif sp is not None:
                    over_fol = whatif.relay_overhead(sp, h)
        if st.auto_act == policy.DELEGATE:
            auto_lo, auto_hi = d_lo + over_auto, d_hi + over_auto
            flags |= DELEGATED
        else:
            over_auto = 0.0
        reread = 0.0
        sim = st.sim if st.sim in TIERS else rec
        if st.fol_act == policy.DELEGATE:
            fol_lo, fol_hi = d_lo + over_fol, d_hi + over_fol
        elif sim is None or sim == rec:
            fol_lo = fol_hi = c
            sp = p
        else:
            sp = self.tier_price(sim, day)
            fol_lo, fol_hi = whatif.repriced(sp, inp, out, cw5, cw1, cr, whatif.cheaper(sim, rec)) if sp else (c, c)
        if st.pending_switch and st.fol_act != policy.DELEGATE:
            st.pending_switch = False
            if sp is not None:
                reread = whatif.reread_extra(sp, cr)
                fol_lo += reread
                fol_hi += reread
            flags |= SWITCHED
        if rec is not None:
            st.live = rec
            if st.sim is None:
                st.sim = rec
        st.ctx = prompt + out
        return Entry(key, mkey, ts, model, inp, out, cw5, cw1, cr, side, c, auto_lo, auto_hi, fol_lo, fol_hi,
                     reread, over_auto, st.routed, flags)


def _usage_numbers(usage: Any) -> tuple[int, int, int, int, int]:
    """(input, output, 5m writes, 1h writes, cache reads) from a usage struct or dict.

    When the 5m/1h breakdown adds up to less than `cache_creation_input_tokens`, the rest
    counts as 5m writes: the tokens were written, and 5m is Claude Code's default. (ccusage
    20.0.24 drops that remainder; this is a deliberate difference.)"""
    if isinstance(usage, dict):
        g = usage.get
        inp, out, cc, cr, breakdown = (g("input_tokens", 0), g("output_tokens", 0),
                                       g("cache_creation_input_tokens", 0), g("cache_read_input_tokens", 0),
                                       g("cache_creation"))
    else:
        inp, out, cc, cr, breakdown = (usage.input_tokens, usage.output_tokens, usage.cache_creation_input_tokens,
                                       usage.cache_read_input_tokens, usage.cache_creation)
    if not (inp.__class__ is int and out.__class__ is int and cr.__class__ is int and cc.__class__ is int):
        inp, out, cc, cr = to_int(inp), to_int(out), to_int(cc), to_int(cr)
    if breakdown.__class__ is dict:
        cw5 = to_int(breakdown.get("ephemeral_5m_input_tokens", 0))
        cw1 = to_int(breakdown.get("ephemeral_1h_input_tokens", 0))
        if cw5 + cw1 < cc:
            cw5 = cc - cw1
    else:
        cw5, cw1 = cc, 0
    return inp, out, cw5, cw1, cr


def _assistant(replay: Replay, obj: Any, is_dict: bool, parsed: Parsed, repeat: bool = False) -> None:
    """One assistant line: it names the turn (tools, text) and, unless it repeats the line before
    (`repeat`: the same response's next content block), it is a response."""
    if is_dict:
        msg = obj.get("message")
        if not isinstance(msg, dict):
            return
        side = obj.get("isSidechain")
        if side is not True and not replay.src.side:
            replay.turn_line(msg.get("content") if isinstance(msg.get("content"), list) else (), True,
                             obj.get("isApiErrorMessage") is True)
        if repeat or not isinstance(msg.get("usage"), dict):
            return
        mid, model, usage = msg.get("id"), msg.get("model"), msg["usage"]
        rid, ts_raw, sid = obj.get("requestId"), obj.get("timestamp"), obj.get("sessionId")
    else:
        msg = obj.message
        if msg is None:
            return
        side = obj.isSidechain
        if side is not True and not replay.src.side:
            replay.turn_line(msg.content, False, obj.isApiErrorMessage is True)
        if repeat or msg.usage is None:
            return
        mid, model, usage = msg.id, msg.model, msg.usage
        rid, ts_raw, sid = obj.requestId, obj.timestamp, obj.sessionId
    ts = parse_ts(ts_raw)
    if ts is None:
        parsed.bad += 1
        return
    if not isinstance(model, str) or not model or model == "<synthetic>":
        model = None
    inp, out, cw5, cw1, cr = _usage_numbers(usage)
    if not (isinstance(sid, str) and sid):
        sid = replay.src.session
    mid = mid if isinstance(mid, str) and mid else None
    rid = rid if isinstance(rid, str) and rid else None
    if mid is None:
        key = mkey = None
    else:
        key = stable_key(mid, rid) if rid is not None else stable_key(mid, "", sid)
        mkey = stable_key(mid, "\x00", sid)
    if model is None and not (inp or out or cw5 or cw1 or cr):
        return  # `<synthetic>` lines: Claude Code's local notices, not API calls
    parsed.entries.append(replay.response(key, mkey, ts, model, inp, out, cw5, cw1, cr, side is True))


def _tool_names(replay: Replay, data: bytes, start: int, end: int) -> None:
    """The tool_use names in a line, found without decoding it (Claude Code writes a tool_use block
    as {"type":"tool_use","id":...,"name":...})."""
    st = replay.st
    st.turn_seen = True
    st.turn_interrupted = False
    k = data.find(b'"type":"tool_use"', start, end)
    while k >= 0:
        n = data.find(b'"name":"', k, end)
        if n < 0:
            break
        e = data.find(b'"', n + 8, end)
        name = data[n + 8: e].decode("utf-8", "replace")
        if name not in st.turn_tools:
            st.turn_tools.append(name)
        k = data.find(b'"type":"tool_use"', e, end)


def _user(replay: Replay, row: Any) -> None:
    if not isinstance(row, dict):
        return
    text = prompt_text(row)
    if text is not None:
        replay.prompt(text)
        return
    content = (row.get("message") or {}).get("content") if isinstance(row.get("message"), dict) else None
    first = content if isinstance(content, str) else (
        str(content[0].get("text") or "") if isinstance(content, list) and content and isinstance(content[0], dict) else "")
    if first.startswith(_INTERRUPTED) and row.get("isSidechain") is not True:
        replay.interrupted()


def parse_claude(src: SourceFile, data: bytes, parsed: Parsed, replay: Replay) -> None:
    """Feed `data` (whole lines, or a file's appended tail) through `replay` into `parsed`.

    Most files are valid JSON lines of the shapes `_Line` names: decoded in one call, each line
    into a small struct of only the fields read here. A file with a broken line, or a field of
    another type, is read again line by line: a broken line is counted and the rest still count."""
    try:
        lines = _decode_lines(data)
    except msgspec.DecodeError:  # ValidationError included
        pass
    else:
        _parse_lines(lines, parsed, replay)
        return
    if _compact(data):
        _parse_compact(data, parsed, replay)
        return
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        try:
            row = _decode_any(raw)
        except msgspec.DecodeError:
            parsed.bad += 1
            continue
        if not isinstance(row, dict):
            parsed.bad += 1
            continue
        kind = row.get("type")
        if kind == "assistant":
            _assistant(replay, row, True, parsed)
        elif kind == "user":
            _user(replay, row)


def _parse_lines(lines: list[_Line], parsed: Parsed, replay: Replay) -> None:
    """Decoded lines, in file order. Consecutive lines of one response (Claude Code writes a line
    per content block, each repeating the usage) are one response: only their content names the
    turn. Repeats are recognised as the byte-scanning path does: same message id, requestId and
    usage as the assistant line before."""
    src = replay.src
    src_side, session = src.side, src.session
    entries = parsed.entries
    response, turn_line = replay.response, replay.turn_line
    prev_mid = prev_rid = prev_usage = None
    blake, from_bytes = _blake2b, int.from_bytes
    for o in lines:
        kind = o.type
        if kind == "assistant":
            m = o.message
            if m is None:
                prev_mid = None
                continue
            side = o.isSidechain
            if not side and not src_side:
                c = m.content
                turn_line(c if c.__class__ is list else (), False, o.isApiErrorMessage)
            u = m.usage
            if u is None:
                prev_mid = None
                continue
            mid, rid = m.id, o.requestId
            if mid is not None and mid == prev_mid and rid == prev_rid and u == prev_usage:
                continue  # the same response's next content block
            prev_mid, prev_rid, prev_usage = mid, rid, u
            ts = parse_ts(o.timestamp)
            if ts is None:
                parsed.bad += 1
                continue
            model = m.model
            if not model or model == "<synthetic>":
                model = None
            inp, out, cc, cr = u.input_tokens, u.output_tokens, u.cache_creation_input_tokens, u.cache_read_input_tokens
            if inp < 0 or out < 0 or cc < 0 or cr < 0:
                inp, out, cc, cr = to_int(inp), to_int(out), to_int(cc), to_int(cr)
            w = u.cache_creation
            if w is None:
                cw5, cw1 = cc, 0
            else:
                cw5, cw1 = w.ephemeral_5m_input_tokens, w.ephemeral_1h_input_tokens
                if cw5 < 0 or cw1 < 0:
                    cw5, cw1 = to_int(cw5), to_int(cw1)
                if cw5 + cw1 < cc:
                    cw5 = cc - cw1
            if not mid:
                key = mkey = None
            else:  # stable_key(mid, rid) and stable_key(mid, "\x00", sid), inlined: two calls a response
                sid = o.sessionId or session
                key = from_bytes(blake(f"{mid}\x1f{rid}".encode("utf-8", "surrogatepass") if rid else
                                       f"{mid}\x1f\x1f{sid}".encode("utf-8", "surrogatepass"),
                                       digest_size=8).digest(), "little", signed=True)
                mkey = from_bytes(blake(f"{mid}\x1f\x00\x1f{sid}".encode("utf-8", "surrogatepass"),
                                        digest_size=8).digest(), "little", signed=True)
            if model is None and not (inp or out or cw5 or cw1 or cr):
                continue  # `<synthetic>` lines: Claude Code's local notices, not API calls
            entries.append(response(key, mkey, ts, model, inp, out, cw5, cw1, cr, side))
        elif kind == "user":
            if o.isMeta or o.toolUseResult:
                continue  # tool output and host bookkeeping
            m = o.message
            c = m.content if m is not None else None
            if c.__class__ is list:
                if c and c[0].type == "tool_result":
                    continue
                c = [{"type": b.type, "text": b.text} for b in c]
            _user(replay, _row(o, m, c))


def _row(o: _Line, m: Optional[_LineMessage], content: Any) -> dict:
    """A user line as the row prompt_text and routing.router.injected.is_injected_row read:
    every field they look at (tests/report checks this against the whole decoded line)."""
    row: dict[str, Any] = {"type": "user", "isSidechain": o.isSidechain, "isMeta": o.isMeta}
    if o.promptSource is not None:
        row["promptSource"] = o.promptSource
    if o.origin is not None:
        row["origin"] = o.origin
    if m is not None:
        row["message"] = {"role": "user", "content": content}
    return row


def _parse_compact(data: bytes, parsed: Parsed, replay: Replay) -> None:
    """The fast path over Claude Code's compact lines. Only the lines that may carry usage or a
    prompt are looked at, found with bytes.find so the many tool-result and bookkeeping lines cost
    no Python work at all; only such lines are checked and counted when broken.

    Consecutive lines of one response (Claude Code writes a line per content block, each
    repeating the usage) share a repeat key: the message id plus the bytes from `"usage":{` to
    the type marker. Only the first of them is decoded."""
    size = len(data)
    find, rfind = data.find, data.rfind
    na = find(_ASSISTANT)
    nu = find(_USER)
    prev_key: Optional[tuple] = None
    decode_assistant, decode_any = _decode_assistant, _decode_any
    while na >= 0 or nu >= 0:
        is_assistant = nu < 0 or 0 <= na < nu
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
        if 0 <= na < end:
            na = find(_ASSISTANT, end)
        if 0 <= nu < end:
            nu = find(_USER, end)
        if data[end - 1] != 0x7D and data[start:end].rstrip()[-1:] != b"}":
            parsed.bad += 1  # cut short or garbled: cannot be a JSON object
            continue
        if is_assistant:
            u = find(b'"usage":{', start, end)
            repeat = False
            if 0 <= u < j:
                i = find(b'"id":"', start, u)
                if i >= 0:
                    key = (data[i: find(b'"', i + 6, u)], data[u:j])
                    repeat = key == prev_key
                    prev_key = key
                else:
                    prev_key = None
            else:
                prev_key = None
            if repeat and find(b'"type":"text"', start, end) < 0 and find(b'"isApiErrorMessage":true', start, end) < 0:
                # The same response's next block, and no text in it: only its tool names matter.
                if not replay.src.side and find(b'"isSidechain":true', start, end) < 0:
                    _tool_names(replay, data, start, end)
                continue
            raw = data[start:end]
            try:
                obj = decode_assistant(raw)
            except msgspec.ValidationError:  # valid JSON of another shape: read it whole
                try:
                    row = decode_any(raw)
                except msgspec.DecodeError:
                    parsed.bad += 1
                    continue
                if isinstance(row, dict) and row.get("type") == "assistant":
                    _assistant(replay, row, True, parsed, repeat)
                continue
            except msgspec.DecodeError:
                parsed.bad += 1
                continue
            if obj.type == "assistant":
                _assistant(replay, obj, False, parsed, repeat)
        elif find(b'"toolUseResult"', start, end) < 0 and find(b'"isMeta":true', start, end) < 0:
            try:
                row = decode_any(data[start:end])
            except msgspec.DecodeError:
                parsed.bad += 1
                continue
            if isinstance(row, dict) and row.get("type") == "user":
                _user(replay, row)
