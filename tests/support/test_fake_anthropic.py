"""The fake Messages API the real-CLI tests rely on: its wire format must match what Claude Code parses."""

from __future__ import annotations

import json
import urllib.request

import pytest

from support.fake_anthropic import FakeAnthropic, agent_call, sample_for_schema


def post(url: str, body: dict, **headers: str) -> tuple[int, str, str]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json", **headers})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.headers.get("content-type", ""), r.read().decode()


def events(sse: str) -> list[tuple[str, dict]]:
    out = []
    for chunk in sse.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in chunk.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out


def test_stream_sends_events_in_the_order_claude_code_expects() -> None:
    with FakeAnthropic(script=[("SPAWN", [agent_call("d", "find X")])]) as api:
        status, ctype, body = post(api.url + "/v1/messages?beta=true", {
            "model": "claude-sonnet-5", "stream": True, "tools": [{"name": "Agent"}],
            "messages": [{"role": "user", "content": [{"type": "text", "text": "please SPAWN"}]},
                         {"role": "system", "content": "reminder"}],
        })
        assert status == 200 and ctype.startswith("text/event-stream")
        evs = events(body)
        assert [e for e, _ in evs] == ["message_start", "content_block_start", "content_block_delta",
                                       "content_block_stop", "message_delta", "message_stop"]
        assert all(d["type"] == e for e, d in evs)
        block = evs[1][1]["content_block"]
        assert block["type"] == "tool_use" and block["name"] == "Agent"
        assert json.loads(evs[2][1]["delta"]["partial_json"])["prompt"] == "find X"
        assert evs[4][1]["delta"]["stop_reason"] == "tool_use"
        assert api.requests[0]["model"] == "claude-sonnet-5"
        assert api.subagent_requests("please SPAWN") == api.requests


def test_title_request_gets_json_matching_its_schema() -> None:
    schema = {"type": "object", "properties": {"title": {"type": "string"}, "n": {"type": "integer"}},
              "required": ["title"]}
    with FakeAnthropic() as api:
        _, _, body = post(api.url + "/v1/messages", {
            "model": "m", "messages": [{"role": "user", "content": "x"}],
            "output_config": {"format": {"type": "json_schema", "schema": schema}},
        })
        text = json.loads(body)["content"][0]["text"]
        assert set(json.loads(text)) == {"title", "n"}
        assert api.messages() == []  # side requests are not part of the conversation


def test_head_count_tokens_and_unknown_paths_are_harmless() -> None:
    with FakeAnthropic() as api:
        req = urllib.request.Request(api.url + "/", method="HEAD")
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.status == 200
        assert json.loads(post(api.url + "/v1/messages/count_tokens", {})[2]) == {"input_tokens": 10}
        assert post(api.url + "/api/whatever", {})[0] == 200
        assert api.requests == []


def test_each_requests_beta_flags_are_logged_beside_it() -> None:
    with FakeAnthropic() as api:
        post(api.url + "/v1/messages", {"model": "m", "messages": []},
             **{"anthropic-beta": "claude-code-20250219, advisor-tool-2026-03-01"})
        post(api.url + "/v1/messages", {"model": "m", "messages": []})
        first, second = api.requests
        assert api.betas(first) == {"claude-code-20250219", "advisor-tool-2026-03-01"}
        assert api.betas(second) == set()
        with pytest.raises(KeyError):
            api.betas({"model": "m", "messages": []})  # an equal body it never received


def test_sample_for_schema_handles_nesting_and_enums() -> None:
    s = {"type": "object", "properties": {"a": {"enum": ["x", "y"]}, "b": {"type": "array", "items": {}, "minItems": 1},
                                          "c": {"anyOf": [{"type": "boolean"}]}}}
    assert sample_for_schema(s) == {"a": "x", "b": ["Fake title"], "c": False}


def test_a_subagent_offered_subagent_handback_answers_through_it_once() -> None:
    tools = [{"name": "Read"}, {"name": "SubagentHandback"}]
    first = {"model": "m", "tools": tools, "messages": [{"role": "user", "content": "Reply with PONG"}]}
    with FakeAnthropic(default="PONG") as api:
        blocks = api.reply_for(first)
        assert [b["type"] for b in blocks] == ["tool_use"] and blocks[0]["name"] == "SubagentHandback"
        assert blocks[0]["input"] == {"message": "PONG"}
        after = dict(first, messages=first["messages"] + [
            {"role": "assistant", "content": blocks},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": blocks[0]["id"], "content": "ok"}]},
        ])
        assert [b["type"] for b in api.reply_for(after)] == ["text"]  # handed back: the run ends
        # The main thread is never offered the tool: plain text as before.
        assert api.reply_for({"model": "m", "tools": [{"name": "Agent"}], "messages": first["messages"]}) == [
            {"type": "text", "text": "PONG"}]
