"""A fake Anthropic Messages API on 127.0.0.1 for driving the real Claude Code CLI offline.

It logs every request body and answers in the shapes Claude Code 2.1.x expects
(see /work/shared/HOST-FACTS.md "What a fake Messages API needs"):
- HEAD / -> 200; count_tokens and unknown paths -> harmless JSON;
- POST /v1/messages with "stream": true -> server-sent events in the order
  message_start, content_block_start, content_block_delta+, content_block_stop,
  message_delta (stop_reason, usage), message_stop; without stream -> one JSON message;
- a request whose output_config.format is a JSON schema (the session title)
  gets JSON text matching that schema;
- a subagent offered the SubagentHandback tool (2.1.332, auto mode) hands its
  answer back with it, as a real model does: Claude Code delivers only that call
  as the subagent's result, and re-prompts a subagent that answers in plain text.

What the "model" says is decided by `script`: a list of (trigger, reply) pairs.
The first trigger found in the request's prompt (its last user message text, or
for a subagent its first) picks the reply; a reply is text or a list of content
blocks (see `agent_call`). A request carrying a tool_result gets a short text
answer, so a conversation always ends.

    with FakeAnthropic() as api:
        api.script.append(("LOOKUP", [agent_call("find it", "Find where X is defined")]))
        run claude with ANTHROPIC_BASE_URL=api.url
        api.requests  # every POST body, in order
        api.betas(api.requests[0])  # the anthropic-beta flags it came with
"""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional, Union

Reply = Union[str, "list[dict[str, Any]]"]

_ids = itertools.count(1)


def agent_call(description: str, prompt: str, subagent_type: str = "general-purpose", **extra: Any) -> dict[str, Any]:
    """A tool_use block asking Claude Code to run a subagent."""
    tool_input: dict[str, Any] = {"description": description, "prompt": prompt, "subagent_type": subagent_type}
    tool_input.update(extra)
    return {"type": "tool_use", "id": f"toolu_fake{next(_ids):06d}", "name": "Agent", "input": tool_input}


def text_of(content: Any) -> str:
    """All the text in a message's content (a string or a list of blocks)."""
    if isinstance(content, str):
        return content
    parts = []
    for block in content or ():
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text":
            parts.append(str(block.get("text", "")))
        elif block.get("type") == "tool_result":
            parts.append(text_of(block.get("content")))
    return "\n".join(parts)


def user_messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in body.get("messages", ()) if isinstance(m, dict) and m.get("role") == "user"]


def last_user_text(body: dict[str, Any]) -> str:
    users = user_messages(body)
    return text_of(users[-1].get("content")) if users else ""


def first_user_text(body: dict[str, Any]) -> str:
    users = user_messages(body)
    return text_of(users[0].get("content")) if users else ""


HANDBACK_TOOL = "SubagentHandback"


def tool_names(body: dict[str, Any]) -> set[str]:
    return {str(t.get("name")) for t in body.get("tools") or () if isinstance(t, dict)}


def tool_results_for(body: dict[str, Any]) -> set[str]:
    """Names of the tools whose results the request carries (matched through the assistant's tool_use ids)."""
    names: dict[str, str] = {}
    done: set[str] = set()
    for m in body.get("messages", ()):
        content = m.get("content") if isinstance(m, dict) else None
        for b in content if isinstance(content, list) else ():
            if not isinstance(b, dict):
                continue
            if b.get("type") == "tool_use":
                names[str(b.get("id"))] = str(b.get("name"))
            elif b.get("type") == "tool_result" and str(b.get("tool_use_id")) in names:
                done.add(names[str(b.get("tool_use_id"))])
    return done


def has_tool_result(body: dict[str, Any]) -> bool:
    users = user_messages(body)
    if not users:
        return False
    content = users[-1].get("content")
    return isinstance(content, list) and any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content)


def sample_for_schema(schema: Any) -> Any:
    """A minimal value matching a JSON schema (enough for Claude Code's title request)."""
    if not isinstance(schema, dict):
        return "fake"
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            return sample_for_schema(schema[key][0])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = kind[0] if kind else "string"
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {k: sample_for_schema(v) for k, v in props.items()}
    if kind == "array":
        return [sample_for_schema(schema.get("items", {}))] * int(schema.get("minItems", 0) or 0)
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return "Fake title"


class FakeAnthropic:
    """Serves the fake API on a background thread; use as a context manager."""

    def __init__(self, script: Optional[list[tuple[str, Reply]]] = None, default: Reply = "OK from the fake API.") -> None:
        self.script: list[tuple[str, Reply]] = list(script or [])
        self.default = default
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []  # each request's HTTP headers (names lower-case), beside requests
        # What each response says it cost; set cache tokens to make Claude Code see a warm cache.
        self.usage: dict[str, int] = {"input_tokens": 10}
        self.paths: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "FakeAnthropic":
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-anthropic", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- what the "model" answers ------------------------------------------------

    def reply_for(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        fmt = (body.get("output_config") or {}).get("format") or {}
        if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
            return [{"type": "text", "text": json.dumps(sample_for_schema(fmt.get("schema")))}]
        done = [{"type": "text", "text": "Done: the subagent finished."}]
        blocks = done if has_tool_result(body) else self._scripted(last_user_text(body))
        if (HANDBACK_TOOL in tool_names(body) and HANDBACK_TOOL not in tool_results_for(body)
                and not any(b.get("type") == "tool_use" for b in blocks)):
            report = "\n".join(str(b.get("text", "")) for b in blocks) or "Subagent done."
            return [{"type": "tool_use", "id": f"toolu_fake{next(_ids):06d}", "name": HANDBACK_TOOL,
                     "input": {"message": report}}]
        return blocks

    def _scripted(self, prompt: str) -> list[dict[str, Any]]:
        for trigger, reply in self.script:
            if trigger in prompt:
                return [{"type": "text", "text": reply}] if isinstance(reply, str) else reply
        default = self.default
        return [{"type": "text", "text": default}] if isinstance(default, str) else default

    def handbacks(self) -> list[dict[str, Any]]:
        """Requests in which the fake answered with a SubagentHandback call."""
        with self._lock:
            return [b for b in self.requests if HANDBACK_TOOL in tool_names(b)]

    # -- log queries -------------------------------------------------------------

    def messages(self) -> list[dict[str, Any]]:
        """Bodies of the real conversation requests (not the title/quota side requests)."""
        with self._lock:
            reqs = list(self.requests)
        return [b for b in reqs if not (b.get("output_config") or {}).get("format")]

    def betas(self, body: dict[str, Any]) -> set[str]:
        """The anthropic-beta flags `body` (one of `requests`) was sent with: what a tool type needs
        to be accepted by the real API."""
        with self._lock:
            pairs = list(zip(self.requests, self.headers))
        for logged, headers in pairs:
            if logged is body:
                return {f.strip() for f in headers.get("anthropic-beta", "").split(",") if f.strip()}
        raise KeyError("not a request this server logged")

    def subagent_requests(self, task: str) -> list[dict[str, Any]]:
        """Requests of the subagent given `task`: Claude Code sends the task as its first user message.

        Auto mode's safety classifier quotes the transcript (the task included) in a
        request that offers no tools: that is not the subagent running."""
        return [b for b in self.messages() if task in first_user_text(b) and b.get("tools")]

    # -- HTTP --------------------------------------------------------------------

    def _handler(self) -> Callable[..., BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _json(self, status: int, obj: Any) -> None:
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_HEAD(self) -> None:
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                with api._lock:
                    api.paths.append("GET " + self.path)
                self._json(200, {})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                path = self.path.split("?", 1)[0]
                with api._lock:
                    api.paths.append(self.path)
                if path.endswith("/count_tokens"):
                    self._json(200, {"input_tokens": 10})
                    return
                if not path.endswith("/v1/messages"):
                    self._json(200, {})
                    return
                with api._lock:
                    api.requests.append(body)
                    api.headers.append({k.lower(): v for k, v in self.headers.items()})
                blocks = api.reply_for(body)
                model = str(body.get("model", "claude-fake"))
                if body.get("stream"):
                    self._stream(model, blocks)
                else:
                    stop = "tool_use" if any(b["type"] == "tool_use" for b in blocks) else "end_turn"
                    self._json(200, {
                        "id": f"msg_fake{next(_ids):06d}", "type": "message", "role": "assistant", "model": model,
                        "content": blocks, "stop_reason": stop, "stop_sequence": None,
                        "usage": {**api.usage, "output_tokens": 5},
                    })

            def _stream(self, model: str, blocks: list[dict[str, Any]]) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("cache-control", "no-cache")
                self.send_header("connection", "close")
                self.end_headers()
                self.close_connection = True

                def event(name: str, data: dict[str, Any]) -> None:
                    data = {"type": name, **data}
                    self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())

                event("message_start", {"message": {
                    "id": f"msg_fake{next(_ids):06d}", "type": "message", "role": "assistant", "model": model,
                    "content": [], "stop_reason": None, "stop_sequence": None,
                    "usage": {**api.usage, "output_tokens": 1},
                }})
                for i, block in enumerate(blocks):
                    if block["type"] == "tool_use":
                        event("content_block_start", {"index": i, "content_block": {
                            "type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}})
                        event("content_block_delta", {"index": i, "delta": {
                            "type": "input_json_delta", "partial_json": json.dumps(block["input"])}})
                    else:
                        event("content_block_start", {"index": i, "content_block": {"type": "text", "text": ""}})
                        event("content_block_delta", {"index": i, "delta": {"type": "text_delta", "text": block["text"]}})
                    event("content_block_stop", {"index": i})
                stop = "tool_use" if any(b["type"] == "tool_use" for b in blocks) else "end_turn"
                event("message_delta", {"delta": {"stop_reason": stop, "stop_sequence": None},
                                        "usage": {"output_tokens": 5}})
                event("message_stop", {})
                self.wfile.flush()

        return Handler
