"""End to end: `route install --claude`, then the real Claude Code CLI against a fake Messages API.

Nothing here is mocked on Claude Code's side: each pinned binary (2.1.197, still
in use, and 2.1.332, the newest) reads the settings.json our installer wrote,
runs our hooks through its own hook runner, and sends its requests to
tests/support/fake_anthropic.py, whose request log is what the assertions read.
These tests run in CI (npm_tool fails there when a CLI is missing).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional

import pytest
from support import statefiles
from support.fake_anthropic import FakeAnthropic, agent_call, first_user_text, last_user_text
from support.tools import ROOT, npm_tool, require_tool

from routing.core.tiers import tier_of_model
from routing.router.classify import classify

pytestmark = pytest.mark.e2e

LOOKUP_TASK = "Find where parse_config is defined in this repository and report the file and line."
AUDIT_TASK = (
    "Security audit: review the authentication and session handling code for vulnerabilities "
    "(injection, privilege escalation, token leakage) and assess the threat model."
)
LOOKUP_PROMPT = "where is parse_config defined?"

# Pinned in scripts/install-test-tools.sh: version -> its directory under .cache/npm.
VERSIONS = {"2.1.197": "claude", "2.1.332": "claude-2.1.332"}


class Claude:
    """One pinned Claude Code binary."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.path = npm_tool(VERSIONS[version], "claude")

    @property
    def new(self) -> bool:
        """2.1.332 behaviour: background subagents, the Agent call's model beats the env var."""
        return self.version != "2.1.197"

    def __str__(self) -> str:
        return self.path


@pytest.fixture(params=sorted(VERSIONS))
def claude(request: pytest.FixtureRequest) -> Claude:
    return Claude(request.param)


@pytest.fixture
def project(isolated_home: Path) -> Path:
    d = isolated_home / "proj"
    d.mkdir()
    (d / "config.py").write_text("def parse_config(path):\n    return {}\n")
    return d


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """`env -i` plus what Claude Code needs: nothing from an outer session leaks in."""
    env = {
        "HOME": str(home),
        "PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"]),
        "LANG": "C.UTF-8",
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "ANTHROPIC_API_KEY": "dummy",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_ERROR_REPORTING": "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    }
    env.update(extra)
    return env


def route_install(claude: Claude, home: Path, cwd: Path, *args: str) -> str:
    """The real CLI, as a user runs it, with this venv's interpreter; `claude` on PATH, as a
    user has it (install reads its version)."""
    env = clean_env(home)
    env["PATH"] = os.pathsep.join([os.path.dirname(claude.path), env["PATH"]])
    out = subprocess.run(
        [sys.executable, "-m", "routing", "install", "--claude", "--yes", *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def claude_p(claude: Claude, api: FakeAnthropic, home: Path, cwd: Path, prompt: str, *args: str,
             **env: str) -> subprocess.CompletedProcess:
    """`claude -p PROMPT --output-format json ARGS` in a clean environment, whatever its outcome."""
    tmp = home / "tmp"
    tmp.mkdir(exist_ok=True)  # 2.1.332 keeps background task output under $TMPDIR
    return subprocess.run(
        [claude.path, "-p", prompt, "--output-format", "json", *args],
        env=clean_env(home, ANTHROPIC_BASE_URL=api.url, TMPDIR=str(tmp), **env),
        cwd=cwd, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
    )


def run_claude(claude: Claude, api: FakeAnthropic, home: Path, cwd: Path, prompt: str, resume: str = "",
               **env: str) -> dict[str, Any]:
    out = claude_p(claude, api, home, cwd, prompt, *(["--resume", resume] if resume else []), **env)
    assert out.returncode == 0, f"claude failed: {out.stdout}\n{out.stderr}"
    result = json.loads(out.stdout)
    assert not result.get("is_error"), result
    return result  # type: ignore[no-any-return]


def subagent_models(api: FakeAnthropic, task: str) -> set[str]:
    """Models the subagent that was given `task` asked for (its first user message is the task)."""
    return {str(b.get("model")) for b in api.subagent_requests(task)}


def settled_session(home: Path, sid: str, prompts: int) -> dict[str, Any]:
    """The session's record once the hooks' detached writers have recorded `prompts` prompts.

    The hooks answer Claude Code first and write the state from a detached process,
    so the file may lag the CLI's exit by a moment: poll (bounded), then return what is there.
    """
    rec: dict[str, Any] = {}
    for _ in range(200):
        rec = statefiles.record(sid, {"HOME": str(home), "XDG_STATE_HOME": str(home / ".local/state")}) or {}
        if sum((rec.get("prompts") or {}).values()) >= prompts:
            break
        time.sleep(0.1)
    return rec


def test_installed_hooks_route_each_subagent_by_its_task(claude: Claude, isolated_home: Path, project: Path) -> None:
    route_install(claude, isolated_home, project)
    with FakeAnthropic() as api:
        api.script.append(("DELEGATE_LOOKUP", [agent_call("Locate parse_config", LOOKUP_TASK)]))
        api.script.append(("DELEGATE_AUDIT", [agent_call("Security audit", AUDIT_TASK)]))
        run_claude(claude, api, isolated_home, project, "Please DELEGATE_LOOKUP to a subagent.")
        run_claude(claude, api, isolated_home, project, "Please DELEGATE_AUDIT to a subagent.")

        main_models = {str(b.get("model")) for b in api.messages() if "DELEGATE_" in first_user_text(b)}
        lookup = subagent_models(api, LOOKUP_TASK)
        audit = subagent_models(api, AUDIT_TASK)

    # The installer's "model": "sonnet" is what the main conversation runs on.
    assert {tier_of_model(m) for m in main_models} == {"sonnet"}, main_models
    # The router's own answer for each task, and the unambiguous expectations.
    assert classify(LOOKUP_TASK).tier == "haiku" and classify(AUDIT_TASK).tier == "opus"
    assert lookup and {tier_of_model(m) for m in lookup} == {"haiku"}, lookup
    assert audit and {tier_of_model(m) for m in audit} == {"opus"}, audit


def test_hook_context_reaches_the_model_and_prompts_are_counted(claude: Claude, isolated_home: Path, project: Path) -> None:
    route_install(claude, isolated_home, project)
    coding = "Refactor the config loader to cache parsed files."
    with FakeAnthropic() as api:
        first = run_claude(claude, api, isolated_home, project, coding)
        sid = first["session_id"]
        # Same session, now on a known (sonnet) model: a one-off lookup is worth delegating to haiku.
        second = run_claude(claude, api, isolated_home, project, LOOKUP_PROMPT, resume=sid)
        requests = api.messages()
    assert second["session_id"] == sid

    asked = [b for b in requests if LOOKUP_PROMPT in json.dumps(b["messages"][-3:])]
    assert asked
    assert any("modelroute:" in json.dumps(b["messages"]) for b in asked), \
        "the UserPromptSubmit hook's additionalContext did not reach the request"

    rec = settled_session(isolated_home, sid, 2)
    assert rec["source"] == "claude"
    assert sum(rec["prompts"].values()) == 2
    want = {"haiku": 0, "sonnet": 0, "opus": 0}
    for p in (coding, LOOKUP_PROMPT):
        want[classify(p).tier] += 1
    assert rec["prompts"] == want
    assert rec["tier"] == "sonnet"
    raw = statefiles.all_text(isolated_home / ".local/state/modelroute")
    assert LOOKUP_PROMPT not in raw and coding not in raw  # never the prompt text


def test_explore_agent_file_runs_exploration_on_haiku(claude: Claude, isolated_home: Path, project: Path) -> None:
    route_install(claude, isolated_home, project)
    task = "List every call site of parse_config. (explore)"
    with FakeAnthropic() as api:
        api.script.append(("EXPLORE_NOW", [agent_call("Explore call sites", task, subagent_type="Explore")]))
        run_claude(claude, api, isolated_home, project, "EXPLORE_NOW please", ANTHROPIC_MODEL="opus")
        sub = api.subagent_requests(task)
    assert sub
    assert {tier_of_model(str(b.get("model"))) for b in sub} == {"haiku"}
    # It is our agent file that ran (its system prompt), not only the built-in.
    assert all("read-only code search agent" in json.dumps(b.get("system")) for b in sub)


def test_simple_mode_sends_every_subagent_to_haiku(claude: Claude, isolated_home: Path, project: Path) -> None:
    out = route_install(claude, isolated_home, project, "--subagents", "haiku")
    assert "disables per-task routing" in out
    with FakeAnthropic() as api:
        api.script.append(("DELEGATE_AUDIT", [agent_call("Security audit", AUDIT_TASK)]))
        # On 2.1.332 a model the Agent call names beats CLAUDE_CODE_SUBAGENT_MODEL unless FORCE=1.
        api.script.append(("DELEGATE_NAMED", [agent_call("Locate parse_config", LOOKUP_TASK, model="opus")]))
        run_claude(claude, api, isolated_home, project, "Please DELEGATE_AUDIT to a subagent.")
        run_claude(claude, api, isolated_home, project, "Please DELEGATE_NAMED to a subagent.")
        audit = subagent_models(api, AUDIT_TASK)
        named = subagent_models(api, LOOKUP_TASK)
    assert audit and {tier_of_model(m) for m in audit} == {"haiku"}, audit
    assert named and {tier_of_model(m) for m in named} == {"haiku"}, named


def test_a_users_own_subagent_variable_is_respected(claude: Claude, isolated_home: Path, project: Path) -> None:
    route_install(claude, isolated_home, project)
    with FakeAnthropic() as api:
        api.script.append(("DELEGATE_AUDIT", [agent_call("Security audit", AUDIT_TASK)]))
        run_claude(claude, api, isolated_home, project, "Please DELEGATE_AUDIT to a subagent.",
                   CLAUDE_CODE_SUBAGENT_MODEL="sonnet")
        audit = subagent_models(api, AUDIT_TASK)
    assert audit and {tier_of_model(m) for m in audit} == {"sonnet"}, audit  # not our opus


def hook_messages(home: Path, sid: str) -> list[str]:
    """What hooks showed the user in a session, as its transcript records it."""
    found = list((home / ".claude" / "projects").rglob(f"{sid}.jsonl"))
    assert found, f"no transcript for {sid}"
    return re.findall(r"route: [^\"\\]+", found[0].read_text())


def test_a_complaint_is_answered_even_after_the_same_suggestion(claude: Claude, isolated_home: Path,
                                                               project: Path) -> None:
    route_install(claude, isolated_home, project)
    hard = "Audit the login flow for security vulnerabilities and injection risks."
    assert classify(hard).tier == "opus"
    with FakeAnthropic() as api:
        # The first reply tells the hook the live model (sonnet); then the suggestion, then the complaint.
        sid = run_claude(claude, api, isolated_home, project, "Rename foo to bar in utils.py.")["session_id"]
        run_claude(claude, api, isolated_home, project, hard, resume=sid)
        run_claude(claude, api, isolated_home, project, "That's shallow, think harder.", resume=sid)
    said = hook_messages(isolated_home, sid)
    assert any(m.endswith("-> /model opus") and "fell short" not in m for m in said), said
    assert any(m.startswith("route: the last answer fell short") for m in said), said


def test_uninstall_leaves_claude_code_unrouted(claude: Claude, isolated_home: Path, project: Path) -> None:
    route_install(claude, isolated_home, project)
    out = subprocess.run([sys.executable, "-m", "routing", "uninstall", "--claude"], env=clean_env(isolated_home),
                         cwd=project, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert not (isolated_home / ".claude" / "settings.json").exists()
    with FakeAnthropic() as api:
        api.script.append(("DELEGATE_LOOKUP", [agent_call("Locate parse_config", LOOKUP_TASK)]))
        run_claude(claude, api, isolated_home, project, "Please DELEGATE_LOOKUP to a subagent.", ANTHROPIC_MODEL="opus")
        lookup = subagent_models(api, LOOKUP_TASK)
    # Without our PreToolUse hook the subagent inherits the parent's opus.
    assert lookup and {tier_of_model(m) for m in lookup} == {"opus"}, lookup
    assert not list((isolated_home / ".local/state/modelroute").glob("sessions/*.json"))


def seed_interactive(home: Path, project: Path) -> None:
    """What a fresh HOME needs so interactive Claude Code opens straight at its prompt.

    Without the first three entries it stops at onboarding, the API-key question and
    folder trust; 2.1.332 also shows its auto-mode notice and nudge once, and starts in
    auto mode, which cannot check actions against a fake API: manual mode, as a user who
    said no to it."""
    (home / ".claude.json").write_text(json.dumps({
        "hasCompletedOnboarding": True,
        "hasSeenAutoDefaultNotice": True,
        "hasSeenAutoDefaultNudge": True,
        "customApiKeyResponses": {"approved": ["dummy"[-20:]], "rejected": []},
        "projects": {str(project): {"hasTrustDialogAccepted": True}},
    }))
    settings = home / ".claude" / "settings.json"
    doc = json.loads(settings.read_text())
    doc["permissions"] = {"defaultMode": "default"}
    settings.write_text(json.dumps(doc, indent=2))


class Interactive:
    """Interactive Claude Code under tmux: keys in, the screen out."""

    def __init__(self, claude: Claude, api: FakeAnthropic, home: Path, project: Path) -> None:
        self.tmux = require_tool("tmux")
        self.sock = f"modelroute-e2e-{os.getpid()}-{time.monotonic_ns()}"
        env = clean_env(home, ANTHROPIC_BASE_URL=api.url, TERM="xterm-256color")
        argv = ["env", "-i", *(f"{k}={v}" for k, v in env.items()), claude.path]
        subprocess.run([self.tmux, "-L", self.sock, "new-session", "-d", "-s", "e2e", "-x", "160", "-y", "40",
                        "-c", str(project), shlex.join(argv)], check=True, timeout=30)

    def screen(self) -> str:
        return subprocess.run([self.tmux, "-L", self.sock, "capture-pane", "-p", "-t", "e2e"],
                              capture_output=True, text=True, timeout=10).stdout

    def wait_for(self, pattern: str, seconds: float = 60) -> str:
        """The screen once `pattern` (a regex, multiline) is on it; the last screen otherwise."""
        screen = ""
        for _ in range(int(seconds * 2)):  # polled; no timing assertion
            screen = self.screen()
            if re.search(pattern, screen, re.M):
                break
            time.sleep(0.5)
        return screen

    def type(self, text: str) -> None:
        subprocess.run([self.tmux, "-L", self.sock, "send-keys", "-t", "e2e", "-l", text], check=True, timeout=10)
        time.sleep(0.3)
        subprocess.run([self.tmux, "-L", self.sock, "send-keys", "-t", "e2e", "Enter"], check=True, timeout=10)

    def running(self) -> bool:
        return subprocess.run([self.tmux, "-L", self.sock, "has-session", "-t", "e2e"],
                              capture_output=True, timeout=10).returncode == 0

    def close(self) -> None:
        subprocess.run([self.tmux, "-L", self.sock, "kill-server"], capture_output=True, timeout=30)


def test_installed_status_line_shows_under_the_interactive_prompt(claude: Claude, isolated_home: Path,
                                                                  project: Path) -> None:
    """Interactive Claude Code (under tmux) runs the statusLine command the installer wrote."""
    route_install(claude, isolated_home, project)
    seed_interactive(isolated_home, project)
    with FakeAnthropic() as api:
        ui = Interactive(claude, api, isolated_home, project)
        try:
            screen = ui.wait_for(r"^\s*sonnet\b.*\$\d")
        finally:
            ui.close()
    assert re.search(r"^\s*sonnet\b.*\$\d", screen, re.M), f"no modelroute status line on screen:\n{screen}"


def test_the_exit_reset_of_a_model_command_is_announced_once_at_the_next_start(claude: Claude, isolated_home: Path,
                                                                              project: Path) -> None:
    route_install(claude, isolated_home, project)
    seed_interactive(isolated_home, project)
    settings = isolated_home / ".claude" / "settings.json"
    with FakeAnthropic() as api:
        ui = Interactive(claude, api, isolated_home, project)
        try:
            ui.wait_for(r"^\s*sonnet\b.*\$\d")
            ui.type("/model opus")
            screen = ui.wait_for(r"Set model to|Yes, switch|confirm")
            if "Set model to" not in screen:
                ui.type("")  # the host's own confirmation: Enter is yes
                screen = ui.wait_for(r"Set model to")
            assert "Set model to" in screen, screen
            assert tier_of_model(json.loads(settings.read_text()).get("model")) == "opus"  # saved as the default
            ui.type("/exit")
            for _ in range(60):
                if not ui.running() or json.loads(settings.read_text()).get("model") == "sonnet":
                    break
                time.sleep(0.5)
        finally:
            ui.close()
        assert json.loads(settings.read_text()).get("model") == "sonnet"  # put back at SessionEnd
        screens = []
        for _ in range(2):
            ui = Interactive(claude, api, isolated_home, project)
            try:
                screens.append(ui.wait_for(r"reset_model_on_exit", 30 if not screens else 15))
            finally:
                ui.close()
    assert "reset_model_on_exit" in screens[0] and "/model opus" in screens[0], screens[0]
    assert "reset_model_on_exit" not in screens[1], screens[1]  # once


# -- a routed subagent meets the host's checks (modelroute never grants a permission) -------------

def permission_modes(claude: Claude) -> list[str]:
    """Every --permission-mode the binary takes (2.1.332 calls "default" "manual")."""
    return ["manual" if claude.new else "default", "acceptEdits", "plan", "auto", "dontAsk", "bypassPermissions"]


def spawn_outcome(claude: Claude, home: Path, cwd: Path, mode: str) -> tuple[list[str], set[str]]:
    """Run one Agent call in `mode`: (the denied tools, the tiers the subagent's requests ran on)."""
    with FakeAnthropic() as api:
        api.script.append(("DELEGATE_LOOKUP", [agent_call("Locate parse_config", LOOKUP_TASK)]))
        # bypassPermissions refuses to run as root outside a sandbox (IS_SANDBOX=1 says it is one).
        out = claude_p(claude, api, home, cwd, "Please DELEGATE_LOOKUP to a subagent.", "--permission-mode", mode,
                       **({"IS_SANDBOX": "1"} if os.geteuid() == 0 else {}))
        tiers = {str(tier_of_model(str(b.get("model")))) for b in api.subagent_requests(LOOKUP_TASK)}
    result = json.loads(out.stdout)
    assert result.get("session_id"), out.stdout + out.stderr
    return sorted(d["tool_name"] for d in result.get("permission_denials") or []), tiers


def test_a_routed_subagent_meets_exactly_the_checks_an_unrouted_one_meets(claude: Claude, isolated_home: Path,
                                                                         project: Path) -> None:
    """In every permission mode: the same denials with routing on as off; only the model differs."""
    route_install(claude, isolated_home, project)
    config = isolated_home / ".config" / "modelroute" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    seen = {}
    for mode in permission_modes(claude):
        config.write_text("")
        routed = spawn_outcome(claude, isolated_home, project, mode)
        config.write_text("[claude]\nsubagent_routing = false\n")
        unrouted = spawn_outcome(claude, isolated_home, project, mode)
        assert routed[0] == unrouted[0], f"{mode}: routed denials {routed[0]}, unrouted {unrouted[0]}"
        assert bool(routed[1]) == bool(unrouted[1]), f"{mode}: the routed subagent ran {routed[1]}, unrouted {unrouted[1]}"
        if routed[1]:
            assert routed[1] == {"haiku"} and unrouted[1] == {"sonnet"}, (mode, routed, unrouted)  # the parent's
        seen[mode] = routed
    # The modes where the host itself stops an Agent call it cannot check against a fake API
    # (auto mode; plan mode on 2.1.332): a hook that answered "allow" let these through.
    stopped = {m for m, (denied, ran) in seen.items() if denied and not ran}
    assert ("auto" in stopped) if claude.new else True, seen
    assert {m for m, (denied, ran) in seen.items() if not denied and ran} >= {"acceptEdits", "dontAsk"}, seen


# -- a broken installation never blocks Claude Code -----------------------------------------------

BREAKAGES = ("interpreter", "script", "package", "broken package")


def broken_install(home: Path, cwd: Path, breakage: str) -> None:
    """Install from a copy of modelroute run by an interpreter without it, then break the copy."""
    from routing.claude import install as claude_install

    src = home / "modelroute-src"  # checkout-shaped: hooks/ beside routing/
    shutil.copytree(ROOT / "hooks", src / "hooks")
    shutil.copytree(ROOT / "routing", src / "routing", ignore=shutil.ignore_patterns("__pycache__"))
    python = home / "venv" / "bin" / "python3"
    python.parent.mkdir(parents=True)
    python.symlink_to(getattr(sys, "_base_executable", sys.executable))
    plan = claude_install.plan_install(claude_install.scope(), scripts=src / "hooks", python=str(python)).apply()
    assert plan.written and not plan.error, plan.error
    if breakage == "interpreter":  # the venv deleted, or moved
        python.unlink()
    elif breakage == "script":  # pip uninstall modelroute, a venv rebuilt on another minor: python exits 2
        shutil.rmtree(src / "hooks")
    elif breakage == "package":  # the scripts are there, the routing package is not
        shutil.rmtree(src / "routing")
    else:  # a half-written upgrade
        (src / "routing" / "claude" / "subagent_hook.py").write_text("def handle(:\n")
        (src / "routing" / "claude" / "prompt_hook.py").write_text("import no_such_module\n")


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_a_broken_installation_lets_every_prompt_and_subagent_through(claude: Claude, isolated_home: Path,
                                                                      project: Path, breakage: str) -> None:
    broken_install(isolated_home, project, breakage)
    with FakeAnthropic() as api:
        api.script.append(("DELEGATE_LOOKUP", [agent_call("Locate parse_config", LOOKUP_TASK)]))
        run_claude(claude, api, isolated_home, project, "Please DELEGATE_LOOKUP to a subagent.")
        run_claude(claude, api, isolated_home, project, LOOKUP_PROMPT)
        prompts = [last_user_text(b) for b in api.messages()]
        sub = api.subagent_requests(LOOKUP_TASK)
    assert any("DELEGATE_LOOKUP" in p for p in prompts) and any(LOOKUP_PROMPT in p for p in prompts), prompts
    assert sub, "the Agent call was blocked"


# -- what ↑N and the prompt counts hold: only what the user did ------------------------------------

def final_session(home: Path, sid: str, prompts: int) -> dict[str, Any]:
    """The record once `prompts` prompts are in, and after a pause long enough for a wrong extra write."""
    settled_session(home, sid, prompts)
    time.sleep(2)
    return settled_session(home, sid, prompts)


def test_a_background_subagents_notification_is_not_a_prompt(claude: Claude, isolated_home: Path,
                                                             project: Path) -> None:
    """2.1.332 delivers a background subagent's result as a user turn that fires UserPromptSubmit."""
    route_install(claude, isolated_home, project)
    with FakeAnthropic() as api:
        api.script.append(("DELEGATE_LOOKUP", [agent_call("Locate parse_config", LOOKUP_TASK)]))
        result = run_claude(claude, api, isolated_home, project, "Please DELEGATE_LOOKUP to a subagent.")
        turns = [last_user_text(b) for b in api.messages()]
    if claude.new:  # the notification turn reached the model: the scenario really happened
        assert any("<task-notification>" in t for t in turns), turns
    rec = final_session(isolated_home, result["session_id"], 1)
    assert sum(rec["prompts"].values()) == 1, rec["prompts"]  # the typed prompt only
    assert rec["suggestions"] == {} and rec["escalations"] == 0, rec


def test_up_arrow_counts_the_complaint_not_the_callers_subagent_model(claude: Claude, isolated_home: Path,
                                                                      project: Path) -> None:
    route_install(claude, isolated_home, project)
    with FakeAnthropic() as api:
        # The main model asks for opus for a lookup: its choice, not the user escalating.
        api.script.append(("DELEGATE_LOOKUP", [agent_call("Locate parse_config", LOOKUP_TASK, model="opus")]))
        first = run_claude(claude, api, isolated_home, project, "Please DELEGATE_LOOKUP to a subagent.")
        sid = first["session_id"]
        run_claude(claude, api, isolated_home, project, "That's shallow and still wrong, think harder.", resume=sid)
    rec = final_session(isolated_home, sid, 2)
    assert rec["escalations"] == 1 and rec["moves"] == {"up:prompt": 1}, rec
    assert rec["subagents"].get("above_route") == 1, rec["subagents"]


# -- PreModelSwitch / PostModelSwitch (2.1.332), driven through the SDK's set_model --------------

def sdk_switch(claude: Claude, api: FakeAnthropic, home: Path, cwd: Path, first: str, model: str,
               then: str) -> dict[str, Any]:
    """`claude -p --input-format stream-json`: a prompt, a set_model control request, another prompt.
    Returns the control response and the session id."""
    tmp = home / "tmp"
    tmp.mkdir(exist_ok=True)
    proc = subprocess.Popen(
        [claude.path, "-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose"],
        env=clean_env(home, ANTHROPIC_BASE_URL=api.url, TMPDIR=str(tmp)), cwd=cwd,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdin is not None and proc.stdout is not None

    def send(obj: dict[str, Any]) -> None:
        proc.stdin.write(json.dumps(obj) + "\n")
        proc.stdin.flush()

    def until(kind: str) -> dict[str, Any]:
        for line in proc.stdout:
            obj = json.loads(line)
            if obj.get("type") == kind:
                return obj  # type: ignore[no-any-return]
        raise AssertionError(f"claude ended before a {kind!r} line")

    try:
        send({"type": "user", "message": {"role": "user", "content": first}})
        sid = until("result")["session_id"]
        send({"type": "control_request", "request_id": "switch", "request": {"subtype": "set_model", "model": model}})
        response = until("control_response")["response"]
        send({"type": "user", "message": {"role": "user", "content": then}})
        until("result")
        proc.stdin.close()
        proc.wait(timeout=60)
    finally:
        proc.kill()
    return {"session_id": sid, **response}


def warm_cache(api: FakeAnthropic) -> None:
    """Responses report a 180k-token cached conversation: Claude Code prices a switch at about $0.90."""
    api.usage = {"input_tokens": 42, "cache_creation_input_tokens": 30_000, "cache_read_input_tokens": 150_000}


def switch_record(home: Path, sid: str) -> dict[str, Any]:
    for _ in range(100):  # the PostModelSwitch hook records from a detached writer
        rec = settled_session(home, sid, 2)
        if rec.get("switch_events"):
            return rec
        time.sleep(0.1)
    return rec


def test_post_model_switch_records_the_users_switch_exactly(claude: Claude, isolated_home: Path, project: Path) -> None:
    """On 2.1.332 the hook records it; 2.1.197 ignores the registered events and switches as before."""
    route_install(claude, isolated_home, project)
    coding = "Refactor the config loader to cache parsed files."
    assert classify(coding).tier == "sonnet"
    with FakeAnthropic() as api:
        warm_cache(api)
        out = sdk_switch(claude, api, isolated_home, project, coding, "opus", "rename foo to bar in utils.py")
        models = [tier_of_model(str(b.get("model"))) for b in api.messages()]
    assert out["subtype"] == "success" and models == ["sonnet", "opus"], (out, models)
    if not claude.new:
        assert not final_session(isolated_home, out["session_id"], 2).get("switch_events")
        return
    rec = switch_record(isolated_home, out["session_id"])
    assert rec["switch_events"] == {"sdk": 1} and rec["tier"] == "opus", rec
    assert rec["escalations"] == 1 and rec["moves"] == {"up:switch_sdk": 1}, rec  # past the routed sonnet


def test_pre_model_switch_denies_a_needless_switch_only_in_enforce_mode(claude: Claude, isolated_home: Path,
                                                                        project: Path) -> None:
    if not claude.new:
        pytest.skip("PreModelSwitch is new in 2.1.332")
    route_install(claude, isolated_home, project)
    config = isolated_home / ".config" / "modelroute" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    coding = "Refactor the config loader to cache parsed files."
    for mode in ("suggest", "enforce"):
        config.write_text(f'[claude]\nmode = "{mode}"\n')
        with FakeAnthropic() as api:
            warm_cache(api)
            out = sdk_switch(claude, api, isolated_home, project, coding, "opus", "rename foo to bar in utils.py")
            models = [tier_of_model(str(b.get("model"))) for b in api.messages()]
        if mode == "suggest":  # through the SDK `ask` would be a block: no answer, the switch goes ahead
            assert out["subtype"] == "success" and models == ["sonnet", "opus"], (out, models)
        else:
            assert out.get("error_code") == "blocked_by_hook", out
            assert "re-reads this conversation uncached (180k tokens, about $0.90)" in out["error"], out
            assert models == ["sonnet", "sonnet"], models


# -- advisorModel ---------------------------------------------------------------------------------
# Claude Code turns its advisor on per account, by a server-side flag a fake API cannot serve;
# CLAUDE_CODE_ENABLE_EXPERIMENTAL_ADVISOR_TOOL=1, the override its own warning names, turns it on here.
ADVISOR_ON = {"CLAUDE_CODE_ENABLE_EXPERIMENTAL_ADVISOR_TOOL": "1"}
ADVISOR_BETA = "advisor-tool-2026-03-01"
# All that advisorModel "opus" adds to a request, as each version sends it: the tool, and its
# instructions ("# Advisor Tool"); 2.1.332 defers the tool's loading, so its instructions and a
# reference to it ride on the environment system message and its system prompt stays as it was.
ADVISOR_SENT = {
    "2.1.197": {"tools": [{"type": "advisor_20260301", "name": "advisor", "model": "claude-opus-4-8"}],
                "instructions": ["system"], "references": []},
    "2.1.332": {"tools": [{"type": "advisor_20260301", "name": "advisor", "model": "claude-opus-5-5",
                           "defer_loading": True}],
                "instructions": ["messages"], "references": [{"type": "tool_reference", "name": "advisor"}]},
}
NO_ADVISOR = {"tools": [], "instructions": [], "references": []}


def is_advisor(tool: dict[str, Any]) -> bool:
    return str(tool.get("type", "")).startswith("advisor") or tool.get("name") == "advisor"


def advisor_sent(body: dict[str, Any]) -> dict[str, list[Any]]:
    """Every trace of the advisor in one request: its tools, where its instructions are, and the
    references to it that load a deferred tool."""
    blocks = [b for m in body.get("messages") or () if isinstance(m, dict) and isinstance(m.get("content"), list)
              for b in m["content"] if isinstance(b, dict)]
    return {
        "tools": [t for t in body.get("tools") or () if is_advisor(t)],
        "instructions": [k for k in ("system", "messages") if "# Advisor Tool" in json.dumps(body.get(k))],
        "references": [b["tool"] for b in blocks
                       if b.get("type") == "tool_addition" and (b.get("tool") or {}).get("name") == "advisor"],
    }


def delegated(claude: Claude, home: Path, cwd: Path, **env: str) -> list[tuple[dict[str, Any], set[str]]]:
    """One prompt that runs a lookup subagent: each conversation request that reached the fake API,
    with its beta flags."""
    with FakeAnthropic() as api:
        api.script.append(("DELEGATE_LOOKUP", [agent_call("Locate parse_config", LOOKUP_TASK)]))
        run_claude(claude, api, home, cwd, "Please DELEGATE_LOOKUP to a subagent.", **env)
        return [(b, api.betas(b)) for b in api.messages()]


def tiers(requests: list[tuple[dict[str, Any], set[str]]], who: str) -> set[Optional[str]]:
    """The tiers the main conversation ("main") or the lookup subagent ("sub") ran on."""
    return {tier_of_model(str(b.get("model"))) for b, _ in requests
            if ("DELEGATE_" in first_user_text(b) if who == "main" else LOOKUP_TASK in first_user_text(b))}


def models(requests: list[tuple[dict[str, Any], set[str]]]) -> list[str]:
    return [str(b.get("model")) for b, _ in requests]


def test_the_advisor_option_adds_the_advisor_and_its_instructions_and_no_model(claude: Claude,
                                                                              isolated_home: Path,
                                                                              project: Path) -> None:
    """`--advisor opus` in the requests: each one, the routed subagent's too, gains the server-side
    advisor tool naming opus and the instructions for it; the models (and so their caches) stay."""
    route_install(claude, isolated_home, project, "--advisor", "opus")
    on = delegated(claude, isolated_home, project, **ADVISOR_ON)
    route_install(claude, isolated_home, project, "--advisor", "none")
    assert "advisorModel" not in json.loads((isolated_home / ".claude" / "settings.json").read_text())
    off = delegated(claude, isolated_home, project, **ADVISOR_ON)

    for run in (on, off):
        assert tiers(run, "main") == {"sonnet"} and tiers(run, "sub") == {"haiku"}, models(run)
    assert on and all(advisor_sent(b) == ADVISOR_SENT[claude.version] for b, _ in on), [advisor_sent(b) for b, _ in on]
    assert off and all(advisor_sent(b) == NO_ADVISOR for b, _ in off), [advisor_sent(b) for b, _ in off]
    # Nothing else offered changes: the main conversation's tools are the same, in the same order.
    assert [t.get("name") for t in on[0][0]["tools"] if not is_advisor(t)] == \
        [t.get("name") for t in off[0][0]["tools"]]
    # The beta flag comes with the feature, whether advisorModel is set or not.
    assert all(ADVISOR_BETA in betas for _, betas in on + off)


def test_where_the_advisor_feature_is_off_the_option_changes_no_request(claude: Claude, isolated_home: Path,
                                                                       project: Path) -> None:
    """Offline the account flag is out of reach: both versions send neither the tool nor its beta."""
    route_install(claude, isolated_home, project, "--advisor", "opus")
    assert json.loads((isolated_home / ".claude" / "settings.json").read_text())["advisorModel"] == "opus"
    run = delegated(claude, isolated_home, project)
    assert tiers(run, "main") == {"sonnet"} and tiers(run, "sub") == {"haiku"}, models(run)
    assert run and all(advisor_sent(b) == NO_ADVISOR for b, _ in run), [advisor_sent(b) for b, _ in run]
    assert not any(ADVISOR_BETA in betas for _, betas in run), [betas for _, betas in run]


def test_uninstall_takes_the_advisor_out_of_the_requests(claude: Claude, isolated_home: Path, project: Path) -> None:
    route_install(claude, isolated_home, project, "--advisor", "opus")
    out = subprocess.run([sys.executable, "-m", "routing", "uninstall", "--claude"], env=clean_env(isolated_home),
                         cwd=project, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert not (isolated_home / ".claude" / "settings.json").exists()
    # The main model pinned to the installed one, so the settings key is the only difference.
    run = delegated(claude, isolated_home, project, ANTHROPIC_MODEL="sonnet", **ADVISOR_ON)
    assert tiers(run, "main") == {"sonnet"}, models(run)
    assert run and all(advisor_sent(b) == NO_ADVISOR for b, _ in run), [advisor_sent(b) for b, _ in run]
