"""SessionStart and SessionEnd: where a session's model is first seen, and tidied up after.

SessionStart is the one hook event that carries the main model (`model`), so
it seeds the session's tier; `source` says whether it is a startup, resume,
clear, compact or fork. SessionEnd restores the configured default model in
settings.json when the session switched with `/model` (see settings_reset):
Claude Code has just told the user that `/model` saved it as the default, so
the next session that starts says, once, that it was put back and which
setting controls that.
Both write in-process, not detached like the per-prompt hooks: they are not
on the prompt's path, and in `claude -p` the prompt hook runs right after
SessionStart and must see the tier it recorded.
"""

from __future__ import annotations

import os

from routing.claude import live_model as session_model
from routing.claude.hook_io import text
from routing.core import config, errorlog, paths
from routing.state import store as state
from routing.state.session import Session, bump


NOTICE = "model-reset-notice"  # in the state dir: what the last SessionEnd did to settings.json


def _notice_path() -> str:
    return os.path.join(paths.state_dir_str(), NOTICE)


def leave_notice(text_: str) -> None:
    """For the next SessionStart to show: written privately and atomically, replacing an older one."""
    errorlog.ensure_dir(paths.state_dir_str())
    tmp = f"{_notice_path()}.tmp-{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text_[:2000])
    os.replace(tmp, _notice_path())


def take_notice() -> str:
    """The pending notice, claimed by exactly one session (rename, then read): '' when none."""
    mine = f"{_notice_path()}.{os.getpid()}"
    try:
        os.rename(_notice_path(), mine)
    except OSError:
        return ""
    try:
        with open(mine, encoding="utf-8", errors="replace") as f:
            return f.read(2000).strip()
    finally:
        os.unlink(mine)


def handle_start(payload: dict) -> dict | None:
    sid = text(payload.get("session_id"), 200) or "unknown"
    model = text(payload.get("model"), 200)
    source = text(payload.get("source"), 40)

    def record(r: Session) -> None:
        r.observe(model, "start")
        if source:
            bump(r.starts, source)
            r.start_source = source

    state.update(sid, "claude", record, defer=True)
    notice = take_notice() if source in ("startup", "") else ""
    return {"systemMessage": notice} if notice else None


def handle_end(payload: dict) -> None:
    sid = text(payload.get("session_id"), 200) or "unknown"
    transcript = text(payload.get("transcript_path"), 4096)
    # The user's own config only: this writes ~/.claude/settings.json, outside any repository.
    cfg = config.load(strict=False, project=False)
    rec = state.read(sid) or Session(sid)
    if rec.switch_events:
        # PostModelSwitch recorded every switch: only a /model or the picker saved a default.
        switched_to = rec.switched_to
        switched = bool(switched_to)
    else:  # a host without it: the transcript's last /model, else any change seen
        switched_to = session_model.switched_with_model_command(transcript) if transcript else None
        if switched_to is None and rec.switched:
            switched_to = rec.model
        switched = bool(switched_to or rec.switched)
    outcome = ""
    default = str(cfg.get("claude", "default_model"))
    if cfg.get("claude", "reset_model_on_exit") and switched:
        from routing.claude.settings_reset import CHANGED, restore_default_model

        try:
            outcome = restore_default_model(default, switched_to)
            if outcome.startswith(CHANGED):
                leave_notice(
                    f"route: your last session's /model {switched_to or rec.model or ''} was saved as Claude Code's "
                    f"default for new sessions; modelroute put \"model\": \"{default}\" back in settings.json when "
                    f"it ended. To keep /model choices: reset_model_on_exit = false under [claude] in "
                    f"{paths.user_config_file_str()}"
                )
        except Exception as e:  # FileOpsError and friends: log, never block the exit
            errorlog.log("SessionEnd", e)
            outcome = outcome or "failed"

    def end(r: Session) -> None:
        r.ended = text(payload.get("reason"), 40) or "exit"
        if outcome:
            r.model_reset = outcome

    state.update(sid, "claude", end, defer=True)
    return None
