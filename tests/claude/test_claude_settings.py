"""`route install --claude` / `route uninstall --claude`: the settings.json merge."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
from support.tools import ROOT, fake_claude_on_path
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.claude import install as cs_install
from routing.claude import jsonedit
from routing.claude import merge as cs
from routing.cli import main
from routing.edits import record as install_record

REALISTIC = """{
  "$schema": "https://json.schemastore.org/claude-code-settings.json",
  "permissions": {
    "allow": [
      "Bash(npm run test:*)",
      "Read(~/.zshrc)"
    ],
    "deny": [
      "Read(./.env)"
    ]
  },
  "env": {
    "BASH_DEFAULT_TIMEOUT_MS": "60000"
  },
  "hooks": {
    "PreToolUse": [
      {
        "matcher": "Bash",
        "hooks": [
          {
            "type": "command",
            "command": "~/bin/check-bash.sh",
            "timeout": 5
          }
        ]
      }
    ],
    "Stop": [
      {
        "hooks": [
          {
            "type": "command",
            "command": "notify-send done"
          }
        ]
      }
    ]
  },
  "includeCoAuthoredBy": false,
  "cleanupPeriodDays": 30,
  "feedbackSurveyState": {
    "lastShownTime": 1754000000000
  }
}
"""


@pytest.fixture
def hooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Stand-in hook scripts, so these tests pin the merge, not the hooks."""
    d = tmp_path / "site" / "routing" / "_hooks"
    d.mkdir(parents=True)
    for script in cs.OUR_SCRIPTS:
        (d / script).write_text("import sys\n")
    monkeypatch.setattr(cs, "hooks_dir", lambda: d)
    fake_claude_on_path(tmp_path / "bin", "2.1.332", monkeypatch)  # the newest: every hook event
    return d


def route(*args: str) -> tuple[int, str]:
    """Run the CLI in-process (so the stand-in hooks apply); (exit code, stdout+stderr)."""
    out = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            main(list(args))
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    return code, out.getvalue()


def labelled(out: str, label: str, path: Path) -> bool:
    """The plan has a line `LABEL  PATH (what)`."""
    return re.search(rf"^  {label} +{re.escape(str(path))} \(", out, re.M) is not None


def settings_file(home: Path) -> Path:
    return home / ".claude" / "settings.json"


def write_settings(home: Path, text: str = REALISTIC) -> Path:
    p = settings_file(home)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def our_commands(doc: dict) -> list[str]:
    out = []
    for groups in doc.get("hooks", {}).values():
        for g in groups:
            out += [h["command"] for h in g["hooks"] if "modelroute" in h["command"]]
    return out


def test_install_keeps_every_foreign_key_and_hook(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home)
    code, out = route("install", "--claude")
    assert code == 0, out
    doc = json.loads(p.read_text())
    orig = json.loads(REALISTIC)
    assert list(doc)[: len(orig)] == list(orig)  # order kept, ours appended
    for key in ("$schema", "permissions", "includeCoAuthoredBy", "cleanupPeriodDays", "feedbackSurveyState"):
        assert doc[key] == orig[key]
    assert doc["env"] == orig["env"]
    assert doc["hooks"]["Stop"] == orig["hooks"]["Stop"]
    assert doc["hooks"]["PreToolUse"][0] == orig["hooks"]["PreToolUse"][0]
    agent = doc["hooks"]["PreToolUse"][1]
    assert agent["matcher"] == "Agent|Task"
    for event in ("UserPromptSubmit", "SessionStart", "SessionEnd"):
        (group,) = doc["hooks"][event]
        assert "matcher" not in group
        (h,) = group["hooks"]
        assert h["type"] == "command" and h["timeout"] > 0
    assert doc["model"] == "sonnet"
    assert "modelroute" in doc["statusLine"]["command"]
    assert len(our_commands(doc)) == len(cs.HOOKS)
    assert labelled(out, "MODIFIED", p)


def test_hook_commands_are_the_absolute_interpreter_and_script(isolated_home: Path, hooks: Path) -> None:
    import shlex
    import sys

    route("install", "--claude")
    doc = json.loads(settings_file(isolated_home).read_text())
    cmd = doc["hooks"]["UserPromptSubmit"][0]["hooks"][0]["command"]
    argv = shlex.split(cmd, comments=True)
    assert argv == [os.path.abspath(sys.executable), "-S", str(hooks / "user_prompt_submit.py"), "||", "true"]
    assert cmd.endswith("|| true # modelroute")


@pytest.mark.parametrize("breakage", ["interpreter", "script", "package", "broken package", "entry script"])
def test_the_installed_command_exits_0_however_the_installation_broke(tmp_path: Path, breakage: str) -> None:
    """Exit 2 from UserPromptSubmit or PreToolUse blocks Claude Code; every command we write must fail open."""
    import shutil
    import sys

    from routing.claude.merge import command_for

    # A checkout-shaped copy (hooks/ beside routing/) run by an interpreter without modelroute.
    src = tmp_path / "src"
    shutil.copytree(ROOT / "hooks", src / "hooks")
    shutil.copytree(ROOT / "routing", src / "routing", ignore=shutil.ignore_patterns("__pycache__"))
    python = tmp_path / "venv" / "bin" / "python3"
    python.parent.mkdir(parents=True)
    python.symlink_to(getattr(sys, "_base_executable", sys.executable))
    cmd = command_for(src / "hooks" / "user_prompt_submit.py", str(python))
    payload = b'{"prompt": "audit the login flow for security holes", "session_id": "s"}'
    # The hook records in-process (not from a detached writer), so the check below sees it at once.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state"),
           "MODELROUTE_SYNC_STATE": "1"}

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(cmd, shell=True, input=payload, env=env, cwd=tmp_path, capture_output=True, timeout=60)

    assert run().returncode == 0 and (tmp_path / "state" / "modelroute").is_dir()  # the copy works
    if breakage == "interpreter":  # a venv deleted or rebuilt elsewhere
        python.unlink()
    elif breakage == "script":  # pip uninstall, another Python minor, site-packages gone: python exits 2
        shutil.rmtree(src / "hooks")
    elif breakage == "package":
        shutil.rmtree(src / "routing")
    elif breakage == "broken package":
        (src / "routing" / "claude" / "prompt_hook.py").write_text("def handle(:\n")
    else:
        (src / "hooks" / "_hookentry.py").write_text("raise SystemExit(2)\n")
    proc = run()
    assert proc.returncode == 0, proc
    assert proc.stdout == b""


def test_install_idempotent(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home)
    route("install", "--claude")
    first = p.read_bytes()
    code, out = route("install", "--claude")
    assert code == 0
    assert p.read_bytes() == first
    assert "Claude Code: already installed" in out
    assert "MODIFIED" not in out and "CREATED" not in out


def test_backup_made_once_and_never_overwritten(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home)
    route("install", "--claude", "--subagents", "haiku")
    route("install", "--claude", "--subagents", "routed")
    backup = p.with_name("settings.json.modelroute-backup")
    assert backup.read_text() == REALISTIC


def test_dry_run_writes_nothing_and_shows_diff(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home)
    before = sorted(str(x) for x in isolated_home.rglob("*"))
    code, out = route("install", "--claude", "--dry-run")
    assert code == 0
    assert p.read_text() == REALISTIC
    assert sorted(str(x) for x in isolated_home.rglob("*")) == before
    assert f"--- {p}\n+++ {p}\n" in out
    assert '+  "model": "sonnet"' in out
    assert "+model: haiku" in out  # the Explore agent, as a new file
    assert "nothing was written" in out


def test_uninstall_dry_run_writes_nothing(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home)
    route("install", "--claude")
    installed = p.read_bytes()
    code, out = route("uninstall", "--claude", "--dry-run")
    assert code == 0 and p.read_bytes() == installed
    assert cs_install.scope().agent_file.exists()
    assert "-    \"model\": \"sonnet\"" in out or '-  "model": "sonnet"' in out


@pytest.mark.parametrize("text, line", [
    ('{\n  "model": "opus",\n  "hooks": {\n    "Stop": [}\n  }\n}\n', 4),
    ('{\n  "a": 1,\n}\n', 3),
    ("{\n  // comment\n}\n", 2),
])
def test_invalid_json_is_refused_naming_file_and_line(isolated_home: Path, hooks: Path, text: str, line: int) -> None:
    p = write_settings(isolated_home, text)
    code, out = route("install", "--claude")
    assert code != 0
    assert str(p) in out and f"line {line}" in out
    assert "Nothing was changed" in out
    assert "Traceback" not in out
    assert p.read_text() == text
    assert sorted(x.name for x in p.parent.iterdir()) == ["settings.json"]


def test_wrong_shapes_are_refused(isolated_home: Path, hooks: Path) -> None:
    for text in ('["a"]', '{"hooks": []}', '{"hooks": {"Stop": {}}}', '{"env": "x"}'):
        p = write_settings(isolated_home, text)
        code, out = route("install", "--claude")
        assert code != 0 and str(p) in out, text
        assert p.read_text() == text


def test_symlinked_settings_is_refused_unless_asked(isolated_home: Path, hooks: Path, tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "claude-settings.json"
    real.write_text(REALISTIC)
    link = settings_file(isolated_home)
    link.parent.mkdir(parents=True)
    link.symlink_to(real)
    code, out = route("install", "--claude")
    assert code != 0
    assert "symlink" in out and str(link) in out and "--follow-symlinks" in out
    assert link.is_symlink() and real.read_text() == REALISTIC

    code, out = route("install", "--claude", "--follow-symlinks")
    assert code == 0, out
    assert link.is_symlink()
    assert "Agent|Task" in real.read_text()
    code, out = route("uninstall", "--claude", "--follow-symlinks")
    assert code == 0, out
    assert link.is_symlink() and real.read_text() == REALISTIC


def test_read_only_settings_file_is_refused_clearly(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home)
    os.chmod(p, 0o444)
    code, out = route("install", "--claude")
    assert code != 0
    assert str(p) in out and "read-only" in out
    assert "Traceback" not in out
    assert p.read_text() == REALISTIC


def test_read_only_home_is_refused_clearly(isolated_home: Path, hooks: Path) -> None:
    os.chmod(isolated_home, 0o555)
    try:
        code, out = route("install", "--claude")
    finally:
        os.chmod(isolated_home, 0o755)
    assert code != 0
    assert "read-only" in out and "Traceback" not in out
    assert not (isolated_home / ".claude").exists()


def test_install_keeps_file_mode(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home)
    os.chmod(p, 0o640)
    route("install", "--claude")
    assert stat.S_IMODE(p.stat().st_mode) == 0o640


def test_uninstall_restores_original_bytes(isolated_home: Path, hooks: Path) -> None:
    # Not in json.dumps style: restoring must come from the original bytes.
    text = REALISTIC.replace('"Read(./.env)"\n    ]', '"Read(./.env)"]').replace("  ", "\t")
    p = write_settings(isolated_home, text)
    route("install", "--claude")
    assert "\t\"model\": \"sonnet\"" in p.read_text()  # tab indentation kept
    code, out = route("uninstall", "--claude")
    assert code == 0, out
    assert p.read_text() == text
    assert not p.with_name("settings.json.modelroute-backup").exists()
    assert not cs_install.scope().agent_file.exists()
    code, out = route("uninstall", "--claude")
    assert "Claude Code: not installed" in out and p.read_text() == text


def test_uninstall_without_the_record_still_restores(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home)
    route("install", "--claude", "--subagents", "haiku")
    Path(install_record.record_file()).unlink()
    route("uninstall", "--claude")
    assert p.read_text() == REALISTIC


def test_uninstall_removes_the_file_it_created(isolated_home: Path, hooks: Path) -> None:
    code, out = route("install", "--claude")
    assert code == 0
    p = settings_file(isolated_home)
    assert json.loads(p.read_text())["model"] == "sonnet"
    assert stat.S_IMODE(p.stat().st_mode) == 0o600
    route("uninstall", "--claude")
    assert not (isolated_home / ".claude").exists()


def test_uninstall_keeps_changes_made_since(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home)
    route("install", "--claude")
    doc = json.loads(p.read_text())
    doc["theme"] = "light"
    doc["model"] = "opus"  # what /model opus writes
    doc["hooks"]["UserPromptSubmit"][0]["hooks"].append({"type": "command", "command": "mine.sh"})
    p.write_text(json.dumps(doc, indent=2))
    route("uninstall", "--claude")
    after = json.loads(p.read_text())
    assert after["theme"] == "light" and after["model"] == "opus"
    assert after["hooks"]["UserPromptSubmit"] == [{"hooks": [{"type": "command", "command": "mine.sh"}]}]
    assert our_commands(after) == [] and "statusLine" not in after
    assert after["hooks"]["PreToolUse"] == json.loads(REALISTIC)["hooks"]["PreToolUse"]


def test_uninstall_doesnt_remove_not_our_hooks(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home)
    route("uninstall", "--claude")
    assert p.read_text() == REALISTIC


def test_uninstall_recognises_older_forms(isolated_home: Path, hooks: Path) -> None:
    doc = json.loads(REALISTIC)
    doc["hooks"]["UserPromptSubmit"] = [{"hooks": [
        {"type": "command", "command": "/old/venv/bin/python /old/site-packages/routing/_hooks/user_prompt_submit.py"}]}]
    doc["statusLine"] = {"type": "command", "command": "route status --claude"}
    p = write_settings(isolated_home, json.dumps(doc, indent=2) + "\n")
    route("uninstall", "--claude")
    assert json.loads(p.read_text()) == json.loads(REALISTIC)


def test_install_upgrades_an_older_entry_in_place(isolated_home: Path, hooks: Path) -> None:
    doc = json.loads(REALISTIC)
    doc["hooks"]["PreToolUse"].insert(0, {"matcher": "Agent", "hooks": [
        {"type": "command", "command": "/gone/python /gone/modelroute/hooks/pre_tool_use.py"}]})
    p = write_settings(isolated_home, json.dumps(doc, indent=2) + "\n")
    route("install", "--claude")
    groups = json.loads(p.read_text())["hooks"]["PreToolUse"]
    assert [g["matcher"] for g in groups] == ["Agent|Task", "Bash"]
    assert str(hooks) in groups[0]["hooks"][0]["command"]


def test_keeps_users_statusline_and_model_and_says_so(isolated_home: Path, hooks: Path) -> None:
    doc = json.loads(REALISTIC)
    doc["model"] = "opus"
    doc["statusLine"] = {"type": "command", "command": "~/.claude/my-line.sh", "padding": 0}
    p = write_settings(isolated_home, json.dumps(doc, indent=2) + "\n")
    code, out = route("install", "--claude")
    after = json.loads(p.read_text())
    assert after["model"] == "opus"
    assert after["statusLine"] == doc["statusLine"]
    assert "kept your own statusLine" in out and "kept your model" in out
    route("uninstall", "--claude")
    assert json.loads(p.read_text()) == doc


def test_simple_mode_pins_subagents_to_haiku_and_says_routing_is_off(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home)
    code, out = route("install", "--claude", "--subagents", "haiku")
    # FORCE: on Claude Code after 2.1.197, a model the Agent call names would otherwise beat the pin.
    assert json.loads(p.read_text())["env"] == {"BASH_DEFAULT_TIMEOUT_MS": "60000", "CLAUDE_CODE_SUBAGENT_MODEL": "haiku",
                                                "CLAUDE_CODE_SUBAGENT_MODEL_FORCE": "1"}
    assert "disables per-task routing" in out
    code, out = route("install", "--claude", "--subagents", "routed")
    assert json.loads(p.read_text())["env"] == {"BASH_DEFAULT_TIMEOUT_MS": "60000"}
    assert "routed to the tier its task needs" in out


def test_smart_mode_respects_the_users_own_subagent_pin(isolated_home: Path, hooks: Path) -> None:
    doc = {"env": {"CLAUDE_CODE_SUBAGENT_MODEL": "sonnet"}}
    p = write_settings(isolated_home, json.dumps(doc))
    code, out = route("install", "--claude")
    assert json.loads(p.read_text())["env"] == doc["env"]
    assert "is yours, so modelroute leaves every subagent to it" in out
    route("uninstall", "--claude")
    assert p.read_text() == json.dumps(doc)


def test_simple_mode_on_a_fresh_home_uninstalls_cleanly(isolated_home: Path, hooks: Path) -> None:
    route("install", "--claude", "--subagents", "haiku")
    route("uninstall", "--claude")
    assert not (isolated_home / ".claude").exists()


def test_claude_config_dir_is_honoured(isolated_home: Path, hooks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    custom = isolated_home / "custom-claude"
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(custom))
    code, out = route("install", "--claude")
    assert code == 0
    assert (custom / "settings.json").is_file() and (custom / "agents" / "Explore.md").is_file()
    assert not (isolated_home / ".claude").exists()
    route("uninstall", "--claude")
    assert not custom.exists()


def test_project_install_writes_the_repo_settings(isolated_home: Path, hooks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = isolated_home / "repo"
    (repo / "src" / "deep").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    user = write_settings(isolated_home, '{"model": "opus"}\n')
    monkeypatch.chdir(repo / "src" / "deep")
    code, out = route("install", "--claude", "--project")
    assert code == 0, out
    proj = repo / ".claude" / "settings.json"
    doc = json.loads(proj.read_text())
    assert len(our_commands(doc)) == len(cs.HOOKS)
    assert "model" not in doc  # the user's own model choice is not overridden by the project file
    assert (repo / ".claude" / "agents" / "Explore.md").is_file()
    assert user.read_text() == '{"model": "opus"}\n'
    route("uninstall", "--claude", "--project")
    assert not (repo / ".claude").exists()


def test_project_outside_git_uses_cwd(isolated_home: Path, hooks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = isolated_home / "plain"
    d.mkdir()
    monkeypatch.chdir(d)
    route("install", "--claude", "--project")
    assert (d / ".claude" / "settings.json").is_file()


def test_users_own_explore_agent_is_kept(isolated_home: Path, hooks: Path) -> None:
    agent = isolated_home / ".claude" / "agents" / "Explore.md"
    agent.parent.mkdir(parents=True)
    agent.write_text("---\nname: Explore\nmodel: sonnet\n---\nmine\n")
    code, out = route("install", "--claude")
    assert re.search(rf"KEPT +{re.escape(str(agent))}: your own Explore agent", out), out
    route("uninstall", "--claude")
    assert agent.read_text() == "---\nname: Explore\nmodel: sonnet\n---\nmine\n"


def test_edited_explore_agent_survives_uninstall(isolated_home: Path, hooks: Path) -> None:
    route("install", "--claude")
    agent = cs_install.scope().agent_file
    agent.write_text(agent.read_text() + "Also look in docs/.\n")
    code, out = route("uninstall", "--claude")
    assert agent.exists() and "edited" in out


def test_missing_hook_scripts_refuse_install(isolated_home: Path, hooks: Path) -> None:
    (hooks / "session_end.py").unlink()
    code, out = route("install", "--claude")
    assert code != 0 and "session_end.py" in out
    assert not (isolated_home / ".claude").exists()


def test_merge_is_pure_and_idempotent() -> None:
    commands = {e: f"/py /x/{e} # modelroute" for e in cs.HOOKS}
    commands["statusLine"] = "/py /x/status # modelroute"
    doc = json.loads(REALISTIC)
    once, added, _ = cs.merge(doc, commands)
    assert doc == json.loads(REALISTIC)
    twice, added2, _ = cs.merge(once, commands, prev_added=added)
    assert twice == once and added2 == []
    back, _ = cs.unmerge(once, added, doc)
    assert json.dumps(back) == json.dumps(doc)


def test_compact_one_line_file_stays_one_line(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home, '{"theme":"dark"}')
    route("install", "--claude")
    text = p.read_text()
    assert "\n" not in text and text.startswith('{"theme":"dark","hooks":')
    route("uninstall", "--claude")
    assert p.read_text() == '{"theme":"dark"}'


def test_hand_formatted_values_we_do_not_touch_keep_their_text(isolated_home: Path, hooks: Path) -> None:
    text = '{\n    "permissions": {"allow": ["Bash(ls)", "Read(*)"]},\n    "theme": "dark"\n}\n'
    p = write_settings(isolated_home, text)
    code, out = route("install", "--claude", "--dry-run")
    assert '-    "permissions"' not in out  # the diff only adds
    route("install", "--claude")
    after = p.read_text()
    assert after.startswith('{\n    "permissions": {"allow": ["Bash(ls)", "Read(*)"]},\n    "theme": "dark",\n    "hooks": {\n        "UserPromptSubmit": [\n')
    assert json.loads(after)["theme"] == "dark"
    # A canonical (json.dumps / JSON.stringify) file stays canonical.
    doc = json.loads(after)
    canonical = json.dumps(doc, indent=4) + "\n"
    assert after.replace('{"allow": ["Bash(ls)", "Read(*)"]}', json.dumps(doc["permissions"], indent=4).replace("\n", "\n    ")) == canonical


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=80, deadline=None)
@given(doc=st.dictionaries(st.text(max_size=8), _json, max_size=5), indent=st.sampled_from([1, 2, 4, "\t"]),
       compact_inner=st.booleans())
def test_merged_text_always_parses_to_the_merged_document(doc: dict, indent: object, compact_inner: bool) -> None:
    doc = {k: v for k, v in doc.items() if k not in ("hooks", "env", "statusLine", "model")}
    if compact_inner:  # hand-formatted values on one line
        original = "{\n" + ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in doc.items()) + "\n}\n"
    else:
        original = json.dumps(doc, indent=indent) + "\n"
    commands = {e: f"/py /x/{e} # modelroute" for e in cs.HOOKS}
    commands["statusLine"] = "/py /s # modelroute"
    merged, added, _ = cs.merge(cs.parse(Path("s.json"), original), commands)
    text = jsonedit.render(merged, jsonedit.detect_style(original), original)
    assert json.dumps(json.loads(text)) == json.dumps(merged)
    back, _ = cs.unmerge(json.loads(text), added)
    assert json.dumps(back) == json.dumps(doc)


@pytest.mark.parametrize("command, ours", [
    ("/venv/bin/python /src/hooks/user_prompt_submit.py # modelroute", True),
    ("/home/u/.local/share/modelroute/venv/bin/python /x/user_prompt_submit.py", True),
    ("/v/bin/python3 /v/lib/python3.11/site-packages/routing/_hooks/pre_tool_use.py", True),
    ("route status --claude", True),
    ("python3 ~/.claude/hooks/session_start.py", False),
    ("~/bin/route-notify.sh", False),
    ("echo route", False),
    (None, False),
])
def test_is_ours_recognises_only_modelroute_commands(command: object, ours: bool) -> None:
    assert cs.is_ours(command) is ours


def test_install_record_is_private(isolated_home: Path, hooks: Path) -> None:
    route("install", "--claude")
    rec = Path(install_record.record_file())
    assert stat.S_IMODE(rec.stat().st_mode) == 0o600
    assert stat.S_IMODE(rec.parent.stat().st_mode) == 0o700
    entry = install_record.get(settings_file(isolated_home))
    assert entry is not None and entry["created"] is True and "model" in entry["added"]


def test_uninstall_after_claude_code_reordered_the_keys_restores_the_original_and_its_backup_goes(
        isolated_home: Path, hooks: Path) -> None:
    """Claude Code's own rewrite (on /model) keeps the content but moves keys: still ours to restore."""
    p = write_settings(isolated_home)
    route("install", "--claude")
    doc = json.loads(p.read_text())
    p.write_text(json.dumps(dict(reversed(list(doc.items()))), indent=2) + "\n")
    code, out = route("uninstall", "--claude")
    assert code == 0, out
    assert p.read_text() == REALISTIC
    assert not p.with_name("settings.json.modelroute-backup").exists()
    assert "KEPT" not in out


def test_uninstall_says_it_keeps_the_backup_when_the_settings_changed_since(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home)
    route("install", "--claude")
    doc = json.loads(p.read_text())
    doc["theme"] = "light"
    p.write_text(json.dumps(doc, indent=2) + "\n")
    code, out = route("uninstall", "--claude")
    assert code == 0, out
    backup = p.with_name("settings.json.modelroute-backup")
    assert backup.read_text() == REALISTIC
    assert re.search(rf"KEPT +{re.escape(str(backup))}: your settings.json before install; it changed since", out)


def test_the_plan_says_in_plain_lines_what_changes_for_the_user(isolated_home: Path, hooks: Path) -> None:
    write_settings(isolated_home)
    code, out = route("install", "--claude", "--dry-run")
    assert code == 0, out
    assert '- default model: sets "model": "sonnet", so new Claude Code sessions start on sonnet instead of ' \
           "Claude Code's own default (Opus with an API key)" in out
    for event in ("UserPromptSubmit", "PreToolUse", "SessionStart", "SessionEnd"):
        assert f"- hook {event}: " in out
    assert "- statusLine: modelroute's line" in out
    code, out = route("install", "--claude", "--subagents", "haiku", "--dry-run")
    assert "- env CLAUDE_CODE_SUBAGENT_MODEL=haiku: every subagent runs on haiku; per-task routing is off" in out


def test_a_settings_file_written_between_plan_and_apply_is_left_alone(
        isolated_home: Path, hooks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user answers "Write these changes?" while Claude Code rewrites settings.json."""
    from routing.commands import install as install_cmd

    p = write_settings(isolated_home)

    def confirm(*args: object, **kw: object) -> bool:
        p.write_text('{"model": "opus"}\n')  # /model opus, meanwhile
        return True

    monkeypatch.setattr(install_cmd, "interactive", lambda: True)
    monkeypatch.setattr("click.confirm", confirm)
    code, out = route("install", "--claude")
    assert code == 1 and "changed after it was read" in out
    assert p.read_text() == '{"model": "opus"}\n'


def test_a_simple_install_from_before_force_gets_it_and_uninstall_takes_both_out(isolated_home: Path, hooks: Path) -> None:
    from routing.edits import record as install_record

    p = write_settings(isolated_home, "{}")
    route("install", "--claude", "--subagents", "haiku")
    doc = json.loads(p.read_text())
    del doc["env"]["CLAUDE_CODE_SUBAGENT_MODEL_FORCE"]  # as an older modelroute wrote it
    p.write_text(json.dumps(doc))
    entry = install_record.get(p)
    entry["added"] = [k for k in entry["added"] if "FORCE" not in k]
    install_record.put(p, entry)
    route("install", "--claude", "--subagents", "haiku")
    assert json.loads(p.read_text())["env"]["CLAUDE_CODE_SUBAGENT_MODEL_FORCE"] == "1"
    route("uninstall", "--claude")
    assert "env" not in json.loads(p.read_text() or "{}")


@pytest.mark.parametrize("version", ["2.1.197", None])
def test_an_older_or_unknown_claude_code_gets_no_model_switch_hooks(isolated_home: Path, hooks: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    version: str | None) -> None:
    """2.1.197 shows a warning dialog at every start for an event it does not know."""
    p = settings_file(isolated_home)
    route("install", "--claude")  # on 2.1.332
    assert {"PreModelSwitch", "PostModelSwitch"} <= set(json.loads(p.read_text())["hooks"])
    if version:
        fake_claude_on_path(tmp_path / "old-bin", version, monkeypatch)
    else:
        monkeypatch.setenv("PATH", "/usr/bin:/bin")
    code, out = route("install", "--claude")  # e.g. after a downgrade: ours leave those events
    assert code == 0, out
    events = set(json.loads(p.read_text())["hooks"])
    assert not events & {"PreModelSwitch", "PostModelSwitch"} and {"UserPromptSubmit", "PreToolUse"} <= events
    assert "PreModelSwitch and PostModelSwitch left out" in out


# -- advisorModel ---------------------------------------------------------------------------------

def test_advisor_is_offered_with_a_diff_and_taken_out_cleanly(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home)
    code, out = route("install", "--claude", "--advisor", "opus", "--dry-run")
    assert code == 0 and '+  "advisorModel": "opus"' in out and p.read_text() == REALISTIC, out
    code, out = route("install", "--claude", "--advisor", "opus")
    assert code == 0 and json.loads(p.read_text())["advisorModel"] == "opus", out
    assert "without a switch" in out
    before = p.read_text()
    assert route("install", "--claude", "--advisor", "opus")[0] == 0 and p.read_text() == before  # idempotent
    assert route("install", "--claude")[0] == 0 and json.loads(p.read_text())["advisorModel"] == "opus"  # kept
    route("uninstall", "--claude")
    assert p.read_text() == REALISTIC  # byte for byte


def test_advisor_none_takes_ours_out_and_leaves_the_users_own(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home, "{}")
    route("install", "--claude", "--advisor", "opus")
    route("install", "--claude", "--advisor", "none")
    assert "advisorModel" not in json.loads(p.read_text())
    p.write_text(json.dumps({"advisorModel": "sonnet"}))
    code, out = route("install", "--claude", "--advisor", "opus")
    assert json.loads(p.read_text())["advisorModel"] == "sonnet" and "kept your" in out
    route("install", "--claude", "--advisor", "none")
    route("uninstall", "--claude")
    assert json.loads(p.read_text()) == {"advisorModel": "sonnet"}


def test_an_advisor_changed_since_install_survives_uninstall(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home, "{}")
    route("install", "--claude", "--advisor", "opus")
    doc = json.loads(p.read_text())
    doc["advisorModel"] = "fable"  # the user's /advisor
    p.write_text(json.dumps(doc))
    route("uninstall", "--claude")
    assert json.loads(p.read_text()).get("advisorModel") == "fable"


def test_an_advisor_that_names_no_model_is_refused(isolated_home: Path, hooks: Path) -> None:
    p = write_settings(isolated_home, "{}")
    code, out = route("install", "--claude", "--advisor", "gpt-5")
    assert code != 0 and "names no Claude model" in out and p.read_text() == "{}"
