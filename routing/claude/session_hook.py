"""SessionStart and SessionEnd: where a session's model is first seen, and tidied up after.

SessionStart is the one hook event that carries the main model (`model`), so
it seeds the session's tier; `source` says whether it is a startup, resume,
clear, compact or fork. SessionEnd restores the configured default model in
settings.json when the session switched with `/model` (see settings_reset).
Both write in-process, not detached like the per-prompt hooks: they are not
on the prompt's path, and in `claude -p` the prompt hook runs right after
SessionStart and must see the tier it recorded.
"""

from __future__ import annotations

from routing.claude import live_model as session_model
from routing.claude.hook_io import text
from routing.core import config, errorlog
from routing.state import store as state
from routing.state.session import Session, bump


def handle_start(payload: dict) -> None:
    sid = text(payload.get("session_id"), 200) or "unknown"
    model = text(payload.get("model"), 200)
    source = text(payload.get("source"), 40)

    def record(r: Session) -> None:
        r.observe(model, "start")
        if source:
            bump(r.starts, source)
            r.start_source = source

    state.update(sid, "claude", record, defer=True)
    return None


def handle_end(payload: dict) -> None:
    sid = text(payload.get("session_id"), 200) or "unknown"
    transcript = text(payload.get("transcript_path"), 4096)
    # The user's own config only: this writes ~/.claude/settings.json, outside any repository.
    cfg = config.load(strict=False, project=False)
    rec = state.read(sid) or Session(sid)
    switched_to = session_model.switched_with_model_command(transcript) if transcript else None
    if switched_to is None and rec.switched:
        switched_to = rec.model
    outcome = ""
    if cfg.get("claude", "reset_model_on_exit") and (switched_to or rec.switched):
        from routing.claude.settings_reset import restore_default_model

        try:
            outcome = restore_default_model(str(cfg.get("claude", "default_model")), switched_to)
        except Exception as e:  # FileOpsError and friends: log, never block the exit
            errorlog.log("SessionEnd", e)
            outcome = "failed"

    def end(r: Session) -> None:
        r.ended = text(payload.get("reason"), 40) or "exit"
        if outcome:
            r.model_reset = outcome

    state.update(sid, "claude", end, defer=True)
    return None
