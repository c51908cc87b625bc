"""A fake OpenAI Responses API on 127.0.0.1 for driving the real Codex CLI offline.

Records every request body; answers POST /v1/responses with the SSE event
sequence Codex 0.169 expects (see shared HOST-FACTS) and a short text reply.
Anything else gets harmless JSON.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _events(text: str) -> list[tuple[str, dict[str, Any]]]:
    item = {"type": "message", "id": "msg_1", "role": "assistant", "status": "in_progress", "content": []}
    part = {"type": "output_text", "text": "", "annotations": []}
    done_item = dict(item, status="completed", content=[dict(part, text=text)])
    usage = {"input_tokens": 12, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 3,
             "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 15}
    ref = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    return [
        ("response.created", {"response": {"id": "resp_1", "status": "in_progress"}}),
        ("response.output_item.added", {"output_index": 0, "item": item}),
        ("response.content_part.added", dict(ref, part=part)),
        ("response.output_text.delta", dict(ref, delta=text)),
        ("response.output_text.done", dict(ref, text=text)),
        ("response.output_item.done", {"output_index": 0, "item": done_item}),
        ("response.completed", {"response": {"id": "resp_1", "status": "completed", "usage": usage}}),
    ]


class FakeResponses:
    """`with FakeResponses() as api:` ... `api.port`, `api.requests` (parsed bodies)."""

    def __init__(self, reply: str = "done") -> None:
        self.reply = reply
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, code: int, obj: Any) -> None:
                body = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._json(200, {"data": [], "models": []})

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                if not self.path.rstrip("/").endswith("/responses"):
                    self._json(200, {})
                    return
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_unparsed": raw.decode(errors="replace")}
                fake.requests.append(body)
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("cache-control", "no-cache")
                self.end_headers()
                for name, data in _events(fake.reply):
                    payload = json.dumps(dict(data, type=name))
                    self.wfile.write(f"event: {name}\ndata: {payload}\n\n".encode())
                self.wfile.flush()
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeResponses":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def codex_config(port: int) -> str:
    """$CODEX_HOME/config.toml pointing Codex at the fake, with every remote call off."""
    return f"""model_provider = "mock"
check_for_update_on_startup = false

[model_providers.mock]
name = "mock"
base_url = "http://127.0.0.1:{port}/v1"
env_key = "MOCK_API_KEY"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0

[analytics]
enabled = false

[features]
plugins = false
remote_plugin = false
apps = false
shell_snapshot = false
"""
