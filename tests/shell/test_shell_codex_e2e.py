"""The wrappers driving the real Codex CLI against a fake Responses API on 127.0.0.1."""

from __future__ import annotations

import os

import pytest
from support.fake_responses import FakeResponses, write_codex_config
from support.shell_support import Sandbox
from support.tools import npm_tool

pytestmark = [pytest.mark.e2e, pytest.mark.shell]

EXEC = 'exec --skip-git-repo-check --ephemeral "$P" </dev/null'


@pytest.fixture
def codex_env(isolated_home):
    codex = npm_tool("codex", "codex")
    box = Sandbox(isolated_home, agents=())
    codex_home = isolated_home / "codex-home"
    codex_home.mkdir()
    # CODEX_HOME before any codex call: even --version writes under it.
    box.env.update(
        PATH=os.path.dirname(codex) + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
        CODEX_HOME=str(codex_home),
        MOCK_API_KEY="dummy",
    )
    with FakeResponses(text="ok") as api:
        write_codex_config(codex_home, api.port)
        yield box, api


def run(box: Sandbox, line: str, prompt: str) -> None:
    r = box.run("bash", line, env={"P": prompt}, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_real_codex_receives_each_wrappers_model_and_effort(codex_env):
    box, api = codex_env
    run(box, f"codex-quick {EXEC}", "say ok")
    run(box, f"codex-deep {EXEC}", "say ok")
    run(box, f"codex-route {EXEC}", "where is parse_config defined?")
    sent = [(b.get("model"), (b.get("reasoning") or {}).get("effort")) for b in api.requests]
    assert len(sent) == 3, api.requests
    assert sent[0][0] == "gpt-5-nano"
    assert sent[1] == ("gpt-5.2", "high")
    assert sent[2][0] == "gpt-5-nano"
    assert sent[0][1] != "high" and sent[2][1] != "high"


def test_real_codex_lets_the_users_own_model_flag_win(codex_env):
    box, api = codex_env
    run(box, 'codex-deep exec -m my-own-model --skip-git-repo-check --ephemeral "$P" </dev/null', "say ok")
    (body,) = api.requests
    assert body["model"] == "my-own-model"
    assert body["reasoning"]["effort"] == "high"


def test_real_codex_keeps_a_chosen_profiles_model(codex_env):
    box, api = codex_env
    codex_home = box.env["CODEX_HOME"]
    with open(os.path.join(codex_home, "mine.config.toml"), "w") as f:
        f.write('model = "profile-model"\nmodel_reasoning_effort = "low"\n')
    run(box, f"codex --profile mine {EXEC}", "say ok")
    (body,) = api.requests
    assert body["model"] == "profile-model"
    assert body["reasoning"]["effort"] == "low"
