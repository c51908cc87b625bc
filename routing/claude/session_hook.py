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


def handle_start(payload: dict) -> None:
    sid = text(payload.get("session_id"), 200) or "unknown"
    model = text(payload.get("model"), 200)
    source = text(payload.get("source"), 40)

    def record(doc: dict) -> None:
        r = state.session(doc, sid, "claude")
        session_model.observe(r, model, "start")
        if source:
            starts = r.setdefault("starts", {})
            starts[source] = int(starts.get(source) or 0) + 1
            r["start_source"] = source

    state.update(record, defer=True)
    return None


def handle_end(payload: dict) -> None:
    sid = text(payload.get("session_id"), 200) or "unknown"
    transcript = text(payload.get("transcript_path"), 4096)
    cfg = config.load(text(payload.get("cwd"), 4096) or None, strict=False)
    rec = state.load()["sessions"].get(sid)
    rec = rec if isinstance(rec, dict) else {}
    switched_to = session_model.switched_with_model_command(transcript) if transcript else None
    if switched_to is None and rec.get("switched"):
        switched_to = rec.get("model") if isinstance(rec.get("model"), str) else None
    outcome = ""
    if cfg.get("claude", "reset_model_on_exit") and (switched_to or rec.get("switched")):
        from routing.claude.settings_reset import restore_default_model

        try:
            outcome = restore_default_model(str(cfg.get("claude", "default_model")), switched_to)
        except Exception as e:  # FileOpsError and friends: log, never block the exit
            errorlog.log("SessionEnd", e)
            outcome = "failed"

    def record(doc: dict) -> None:
        r = state.session(doc, sid, "claude")
        r["ended"] = text(payload.get("reason"), 40) or "exit"
        if outcome:
            r["model_reset"] = outcome

    state.update(record, defer=True)
    return None
