"""A fake OpenAI Responses API on 127.0.0.1 for driving the real Codex CLI offline.

Answers POST /v1/responses as server-sent events in the order Codex 0.169.0
expects (see shared/HOST-FACTS.md): response.created, output_item.added,
content_part.added, output_text.delta, output_text.done, output_item.done,
response.completed (carrying `usage`). Other paths get harmless JSON.

    with FakeResponses(usage={...}) as api:
        write_codex_config(codex_home, api.port)
        run `codex exec ...` with CODEX_HOME=codex_home and MOCK_API_KEY set
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional

DEFAULT_USAGE = {"input_tokens": 1200, "input_tokens_details": {"cached_tokens": 800}, "output_tokens": 34,
                 "output_tokens_details": {"reasoning_tokens": 12}, "total_tokens": 1234}


class FakeResponses:
    """`with FakeResponses() as api:` ... `api.port`; `api.requests` holds each parsed request body."""

    def __init__(self, usage: Optional[dict[str, Any]] = None, text: str = "PONG") -> None:
        self.usage = usage or DEFAULT_USAGE
        self.text = text
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._json(b'{"data":[],"models":[]}')

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                if not self.path.split("?")[0].endswith("/responses"):
                    self._json(b"{}")
                    return
                try:
                    req = json.loads(body or b"{}")
                except ValueError:
                    req = {"_unparsed": body.decode(errors="replace")}
                fake.requests.append(req)
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                rid, mid = f"resp_{len(fake.requests)}", f"msg_{len(fake.requests)}"

                def ev(kind: str, data: dict[str, Any]) -> None:
                    data["type"] = kind
                    self.wfile.write(f"event: {kind}\ndata: {json.dumps(data)}\n\n".encode())
                    self.wfile.flush()

                done = {"type": "message", "id": mid, "role": "assistant", "status": "completed",
                        "content": [{"type": "output_text", "text": fake.text, "annotations": []}]}
                ev("response.created", {"response": {"id": rid, "model": req.get("model")}})
                ev("response.output_item.added", {"output_index": 0, "item": dict(done, status="in_progress", content=[])})
                ev("response.content_part.added", {"item_id": mid, "output_index": 0, "content_index": 0,
                                                   "part": {"type": "output_text", "text": ""}})
                ev("response.output_text.delta", {"item_id": mid, "output_index": 0, "content_index": 0,
                                                  "delta": fake.text})
                ev("response.output_text.done", {"item_id": mid, "output_index": 0, "content_index": 0,
                                                 "text": fake.text})
                ev("response.output_item.done", {"output_index": 0, "item": done})
                ev("response.completed", {"response": {"id": rid, "model": req.get("model"), "status": "completed",
                                                       "output": [done], "usage": fake.usage}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeResponses":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def write_codex_config(codex_home: Path, port: int) -> None:
    codex_home.mkdir(parents=True, exist_ok=True)
    (codex_home / "config.toml").write_text(f"""model_provider = "mock"
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
""")
