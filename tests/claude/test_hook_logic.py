"""The hooks' pure parts: when switching pays, labels, transcript evidence, the settings edit."""

from __future__ import annotations

import json

import pytest

from routing.claude import advice
from routing.claude import live_model as session_model
from routing.claude.settings_reset import replace_model
from routing.router.decision import Decision
from routing.state.session import Session


@pytest.mark.parametrize("current, target", [("opus", "sonnet"), ("sonnet", "haiku"), ("opus", "haiku")])
def test_switching_down_pays_in_a_short_conversation(current: str, target: str) -> None:
    assert advice.switch_pays(current, target, context_tokens=2_000, prompts=4)


def test_switching_down_a_long_conversation_does_not_pay_for_a_small_price_gap() -> None:
    # sonnet -> haiku: re-reading 150k tokens uncached costs more than four cheaper prompts save.
    assert not advice.switch_pays("sonnet", "haiku", context_tokens=150_000, prompts=4)


def test_the_longer_the_conversation_the_less_a_switch_pays() -> None:
    def share(n: int) -> float:  # what switching costs, as a share of staying
        return advice.switch_cost("haiku", n, 4) / advice.stay_cost("sonnet", n, 4)

    shares = [share(n) for n in (1_000, 10_000, 50_000, 100_000, 200_000)]
    assert shares == sorted(shares)


def test_labels_name_the_hard_topics_or_the_intent() -> None:
    d = Decision("opus", "task", 0.8, ["design or decision work", "security or permissions reasoning",
                                       "system architecture spanning components", "not sonnet: x"], "design")
    assert advice.label(d) == "architecture/security task"
    assert advice.label(Decision("sonnet", "task", 0.8, ["hands-on coding"], "code")) == "routine coding task"
    assert advice.label(Decision("opus", "escalate", 0.8, [], "escalate")) == "the last answer fell short"


def test_down_streak_counts_consecutive_lower_routes() -> None:
    assert advice.down_streak(["opus", "sonnet", "haiku"], "opus") == 2
    assert advice.down_streak(["sonnet", "opus"], "opus") == 0
    assert advice.down_streak([], "sonnet") == 0


def line(entry: dict) -> str:
    return json.dumps(entry)


def test_transcript_lines_that_show_the_model() -> None:
    cmd = {"type": "user", "message": {"role": "user", "content":
           "<command-name>/model</command-name>\n  <command-message>model</command-message>\n"
           "  <command-args>opus</command-args>"}}
    assert session_model.model_in_line(line(cmd)) == "opus"
    out = {"type": "user", "message": {"role": "user", "content":
           "<local-command-stdout>Set model to \x1b[1mHaiku 4.5\x1b[22m and saved</local-command-stdout>"}}
    assert session_model.model_in_line(line(out)) == "Haiku 4.5"
    reply = {"type": "assistant", "message": {"model": "claude-sonnet-5", "content": []}}
    assert session_model.model_in_line(line(reply)) == "claude-sonnet-5"
    assert session_model.model_in_line(line({**reply, "isSidechain": True})) is None  # a subagent's
    assert session_model.model_in_line(line({"type": "assistant", "message": {"model": "<synthetic>"}})) is None
    assert session_model.model_in_line("{broken") is None


def test_the_newest_evidence_in_the_transcript_wins(tmp_path) -> None:
    t = tmp_path / "t.jsonl"
    t.write_text("\n".join([
        line({"type": "assistant", "message": {"model": "claude-sonnet-5"}}),
        line({"type": "user", "message": {"content": "<command-name>/model</command-name><command-args>opus</command-args>"}}),
    ]) + "\n")
    assert session_model.model_from_transcript(str(t)) == "opus"
    assert session_model.model_from_transcript(str(tmp_path / "missing.jsonl")) is None


def test_seeing_the_model_change_records_it_and_counts_nothing() -> None:
    rec = Session("s")
    rec.observe("claude-sonnet-5", "start")
    rec.observe("claude-opus-4-8", "statusline")
    rec.observe("haiku", "transcript")
    rec.observe("gpt-5", "statusline")  # no Claude family: ignored
    assert (rec.escalations, rec.deescalations, rec.moves) == (0, 0, {})
    assert rec.tier == "haiku" and rec.switched is True


def test_only_a_switch_up_past_the_routed_tier_is_an_escalation() -> None:
    rec = Session("s")
    assert rec.count_switch("claude-sonnet-5", "claude-opus-4-8", "command") == ""  # nothing routed yet
    rec.last_decision = {"tier": "opus"}
    assert rec.count_switch("claude-sonnet-5", "claude-opus-4-8", "command") == ""  # followed our advice
    rec.last_decision = {"tier": "sonnet"}
    assert rec.count_switch("claude-sonnet-5", "claude-opus-4-8", "picker") == "up"  # overruled us
    assert rec.count_switch("claude-opus-4-8", "claude-haiku-5-5", "command") == "down"
    assert rec.count_switch("claude-opus-4-8", "opus", "command") == ""  # no move
    assert rec.count_switch(None, "opus", "command") == ""
    assert (rec.escalations, rec.deescalations) == (1, 1)
    assert rec.moves == {"up:switch_picker": 1, "down:switch_command": 1}


def test_the_transcript_tail_gives_the_newest_model_and_the_last_switch(tmp_path) -> None:
    t = tmp_path / "t.jsonl"
    t.write_text("\n".join([
        line({"type": "assistant", "uuid": "a1", "message": {"model": "claude-sonnet-5"}}),
        line({"type": "user", "uuid": "u1", "message": {"content":
              "<command-name>/model</command-name><command-args>opus</command-args>"}}),
        line({"type": "assistant", "uuid": "a2", "message": {"model": "claude-opus-4-8"}}),
    ]) + "\n")
    lines = session_model.read_tail(str(t))
    assert session_model.model_from_lines(lines) == "claude-opus-4-8"
    switch = session_model.last_switch(lines)
    assert (switch.line_id, switch.from_model, switch.to_model) == ("u1", "claude-sonnet-5", "opus")
    assert session_model.last_switch(lines[:1]) is None and session_model.last_switch([]) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"model": "opus"}', '{"model": "sonnet"}'),
        ('{\n  "env": {"model": "opus"},\n  "model":"opus"\n}\n', '{\n  "env": {"model": "opus"},\n  "model":"sonnet"\n}\n'),
        ('{"hooks": {"x": [{"model": "opus"}]}, "model" : "claude-opus-4-8", "z": 1}',
         '{"hooks": {"x": [{"model": "opus"}]}, "model" : "sonnet", "z": 1}'),
        ('{"note": "\\"model\\": \\"opus\\"", "model": "opus"}', '{"note": "\\"model\\": \\"opus\\"", "model": "sonnet"}'),
    ],
)
def test_only_the_top_level_model_value_changes(text: str, expected: str) -> None:
    assert replace_model(text, "sonnet") == expected


@pytest.mark.parametrize("text", ['{"env": {"model": "opus"}}', "[1]", "{oops", '{"model": 5}'])
def test_no_top_level_model_string_means_no_edit(text: str) -> None:
    assert replace_model(text, "sonnet") is None
