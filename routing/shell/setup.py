"""Wiring a shell: a generated init file plus one marked block in the rc file (fish: conf.d).

`route init SHELL` is rendered once, at install time, into
$XDG_DATA_HOME/modelroute/init.SHELL; the rc block only sources that file,
so a new shell starts no Python. Fish reads every file in its conf.d, so
there the rendered init goes straight into conf.d/modelroute.fish.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

from routing.core import paths
from routing.core import nettools
from routing.core.checks import Check
from routing.edits import fileops
from routing.edits import owned as owned_files
from routing.edits import record as install_record
from routing.edits.fileops import FileOpsError, read_text
from routing.edits.plan import KEEP, FileEdit, Skipped, created_record, dirs_made_for
from routing.edits.target import Offer, Options, Plan, guarded
from routing.shell import rcfile, segment

# Exported by the generated init, so `route doctor` (a child of the shell) can
# tell whether this shell loaded it.
LOADED_VAR = "MODELROUTE_SHELL_INIT"


def init_file(shell: str) -> Path:
    return paths.data_dir() / f"init.{shell}"


def fish_conf_file(environ: Optional[Mapping[str, str]] = None) -> Path:
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_CONFIG_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else paths.home() / ".config"
    return base / "fish" / "conf.d" / "modelroute.fish"


def render_init(shell: str) -> str:
    """What `route init SHELL` prints, from this same installed package."""
    proc = subprocess.run(
        [sys.executable, "-m", "routing", "init", shell],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(f"`route init {shell}` failed: {proc.stderr.strip() or 'no output'}")
    return proc.stdout


def route_bin_dir() -> Optional[Path]:
    """~/.local/bin when `route` there is this modelroute (install.sh, pipx and pip --user link it there).

    A fresh account often lacks it on PATH (Debian's ~/.profile adds it only if it
    existed at login), and then `route` is not found, or is net-tools' /usr/sbin/route."""
    d = paths.home() / ".local" / "bin"
    if os.environ.get(paths.PLAN_AS_VENV):
        return d  # install.sh --dry-run: it links `route` here once it installs for real
    for name in ("route", "modelroute"):
        if nettools.is_ours(os.path.realpath(d / name)):
            return d
    return None


def path_lines(shell: str, bin_dir: Optional[Path]) -> str:
    """Put `bin_dir` first on PATH when it is missing: a builtin test, no fork at shell start."""
    if bin_dir is None:
        return ""
    q = rcfile.sh_path(bin_dir, paths.home())
    if shell == "fish":
        return f"# `route` is in {bin_dir}: put it on PATH when it is missing\ncontains -- {q} $PATH; or set -gx PATH {q} $PATH\n"
    return (f"# `route` is in {bin_dir}: put it on PATH when it is missing\n"
            f'case ":$PATH:" in *:{q}:*) ;; *) export PATH={q}":$PATH" ;; esac\n')


def generated_text(shell: str, rendered: str, bin_dir: Optional[Path] = None, prompt: bool = False) -> str:
    """The installed init: `route init SHELL` plus PATH, the loaded marker and (fish) the prompt segment."""
    if not rendered.endswith("\n"):
        rendered += "\n"
    if shell == "fish":
        loaded = f"set -gx {LOADED_VAR} fish\n"
    else:
        loaded = f"export {LOADED_VAR}={shell}\n"
    extra = segment.lines("fish") if prompt and shell == "fish" else ""
    return owned_files.render(f"# `route init {shell}`, rendered once so shells start without Python.\n"
                              f"{path_lines(shell, bin_dir)}{loaded}{rendered}{extra}")


def installed_text(shell: str, current: Optional[str]) -> str:
    """What install would write now for `shell`'s init, keeping the prompt choice in `current`."""
    return generated_text(shell, render_init(shell), route_bin_dir(), shell == "fish" and segment.present_in(current))


def _symlink_refusal(path: Path, block: str) -> Skipped:
    target = os.readlink(path)
    return Skipped(
        path,
        f"is a symlink to {target} (a dotfiles manager?); not editing through it. "
        f"Run again with --follow-symlinks to edit {os.path.realpath(path)}, "
        f"or add these lines to your rc file yourself:\n{block}",
        failed=True,
    )


def plan_install(
    shell: str,
    follow_symlinks: bool = False,
    render: Callable[[str], str] = render_init,
    environ: Optional[Mapping[str, str]] = None,
    platform: str = sys.platform,
    prompt: Optional[bool] = None,
    config: Any = None,
) -> Plan:
    """Plan the init file and the rc block (fish: the conf.d file).

    `prompt`: add the prompt segment (True), take it out (False), or keep what
    is there (None); with None, a user who could use one gets an Offer."""
    env = os.environ if environ is None else environ
    plan = Plan(f"shell ({shell})")
    home = paths.home()
    try:
        rendered = render(shell)
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        plan.skipped.append(Skipped(init_file(shell), str(e), failed=True))
        return plan
    bin_dir = route_bin_dir()
    details = _init_details(shell, bin_dir, config, env)
    if shell == "fish":
        conf = fish_conf_file(env)
        old = _read_or_skip(plan, conf)
        if old is False:
            return plan
        own = _user_prompt_files(shell, home, env)
        on = segment.present_in(old) if prompt is None else prompt
        _plan_owned(plan, conf, old, generated_text(shell, rendered, bin_dir, on), "fish conf.d file",
                    details + (["fish_right_prompt shows the routed tier (when you have none of your own)"] if on else []))
        if prompt is None and not on:
            with_prompt = generated_text(shell, rendered, bin_dir, True)
            _offer_prompt(plan, shell, conf, generated_text(shell, rendered, bin_dir, False), with_prompt, own, home)
        return plan
    target = init_file(shell)
    old_init = _read_or_skip(plan, target)
    if old_init is not False:
        _plan_owned(plan, target, old_init, generated_text(shell, rendered, bin_dir), f"{shell} init", details)
    for rc in rcfile.rc_files(shell, home, env, platform):
        follow = False
        if rc.is_symlink():
            if not follow_symlinks:
                plan.skipped.append(_symlink_refusal(rc, rcfile.render_block(target, home)))
                continue
            follow = True
            plan.notes.append(f"{rc} is a symlink: editing its target {os.path.realpath(rc)}")
        try:
            old = read_text(rc, follow=follow)
            on = segment.present_in(old) if prompt is None else prompt
            extra = segment.lines(shell) if on else ""
            new = rcfile.add_block(old or "", rcfile.render_block(target, home, extra), str(rc))
            plain = rcfile.add_block(old or "", rcfile.render_block(target, home), str(rc))
            fancy = rcfile.add_block(old or "", rcfile.render_block(target, home, segment.lines(shell)), str(rc))
        except (FileOpsError, rcfile.RcFileError) as e:
            plan.skipped.append(Skipped(rc, str(e), failed=True))
            continue
        rc_details = [f"every new interactive {shell} sources {target}"]
        if on:
            rc_details.append("your prompt shows the routed tier and escalations, e.g. "
                              + ("[opus↑2] before it" if shell == "bash" else "opus↑2 on the right"))
        plan.edits.append(FileEdit(rc, old, new, f"{shell} rc block", mode=0o644, follow=follow,
                                   record=created_record(rc) if old is None else KEEP, details=rc_details))
        if old and re.search(r"\b(route|modelroute) init\b", rcfile.remove_blocks(old, str(rc))):
            plan.notes.append(f"{rc} also runs `route init` itself; the block replaces that line, so you can delete it")
        if prompt is None and not on:
            _offer_prompt(plan, shell, rc, plain, fancy, [old, *_user_prompt_files(shell, home, env)], home)
    if shell == "bash" and platform != "darwin":
        note = rcfile.bash_login_note(home)
        if note:
            plan.notes.append(note)
    return plan


def _init_details(shell: str, bin_dir: Optional[Path], config: Any, env: Mapping[str, str]) -> list[str]:
    def model(tier: str) -> str:
        return f" ({config.model_for('codex', tier)})" if config is not None else ""

    out = [f"defines codex-quick{model('haiku')}, codex-deep{model('opus')}, codex-route (cr), "
           "claude-quick/-deep/-route and $ROUTE_PROMPT; plain codex, claude and cursor-agent keep your own "
           "default model and print a hint when a prompt fits another tier"]
    if bin_dir is not None:
        on_path = str(bin_dir) in env.get("PATH", "").split(os.pathsep)
        out.append(f"puts {bin_dir} on PATH in new shells, so `route` is modelroute"
                   + ("" if on_path else f" ({bin_dir} is not on PATH now)"))
    return out


def _user_prompt_files(shell: str, home: Path, env: Mapping[str, str]) -> list[Optional[str]]:
    """The files where a user sets their prompt, as text (missing or unreadable: None)."""
    if shell == "fish":
        base = fish_conf_file(env).parent.parent
        names = [base / "config.fish", base / "functions" / "fish_prompt.fish",
                 base / "functions" / "fish_right_prompt.fish"]
    else:
        names = rcfile.rc_files(shell, home, env, "darwin")
    out: list[Optional[str]] = []
    for p in names:
        try:
            out.append(p.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            out.append(None)
    return out


def _offer_prompt(plan: Plan, shell: str, path: Path, without: str, with_: str,
                  texts: list[Optional[str]], home: Path) -> None:
    """Offer the prompt segment, unless the user shows it already or starship draws their prompt."""
    if segment.user_shows_it(texts):
        return
    if segment.uses_starship(texts, home):
        plan.notes += segment.starship_note()
        return
    plan.notes.append("prompt segment: not added (`route install --shell --prompt` shows the routed tier in your prompt)")
    plan.offers.append(Offer(f"Show the routed tier and escalations in your {shell} prompt?",
                             fileops.unified_diff(path, without, with_), "prompt", True))


def _read_or_skip(plan: Plan, path: Path) -> Any:
    """The file's text (None: absent), or False when it cannot be read (then it is in `skipped`)."""
    try:
        return read_text(path)
    except FileOpsError as e:
        plan.skipped.append(Skipped(path, str(e), failed=True))
        return False


def _plan_owned(plan: Plan, path: Path, old: Optional[str], text: str, what: str, details: list[str]) -> None:
    if old is not None and old != text:
        state = owned_files.ownership(old)
        if state == owned_files.FOREIGN:
            plan.skipped.append(Skipped(path, "exists and is not modelroute's; left alone", failed=True))
            return
        # An edited copy of a file we generate is replaced: it is regenerated on
        # every install, and the rc block is what the user owns.
        if state == owned_files.EDITED and path.name.endswith(".fish"):
            plan.skipped.append(Skipped(path, "was edited since modelroute wrote it; left alone (delete it to get a fresh one)", failed=True))
            return
    plan.edits.append(FileEdit(path, old, text, what, mode=0o644, backup=False, generated=True,
                               record=created_record(path) if old is None else KEEP, details=details))


def plan_uninstall(environ: Optional[Mapping[str, str]] = None, platform: str = sys.platform) -> Plan:
    """Remove our block from every rc file that has one, the init files and the fish conf.d file."""
    env = os.environ if environ is None else environ
    plan = Plan("shell")
    home = paths.home()
    rcs: list[Path] = []
    for shell in ("bash", "zsh"):
        rcs += rcfile.rc_files(shell, home, env, "darwin")  # .bash_profile too, wherever we are
    for rc in rcs:
        follow = rc.is_symlink()
        try:
            old = read_text(rc, follow=follow)
            if not rcfile.has_block(old):
                continue
            new = rcfile.remove_blocks(old or "", str(rc))
        except (FileOpsError, rcfile.RcFileError) as e:
            plan.skipped.append(Skipped(rc, str(e), failed=True))
            continue
        if new == "" and (install_record.get(rc) or {}).get("created"):
            new = None  # install created this file for the block alone
        if follow:
            plan.notes.append(f"{rc} is a symlink: removed the block from its target {os.path.realpath(rc)}")
        plan.edits.append(FileEdit(rc, old, new, "rc block", follow=follow, record=None,
                                   remove_dirs=dirs_made_for(rc)))
    for path in (init_file("bash"), init_file("zsh"), fish_conf_file(env)):
        try:
            old = read_text(path)
        except FileOpsError as e:
            plan.skipped.append(Skipped(path, str(e), failed=True))
            continue
        if old is None:
            continue
        state = owned_files.ownership(old)
        if state == owned_files.FOREIGN or (state == owned_files.EDITED and path.name.endswith(".fish")):
            plan.skipped.append(Skipped(path, "not modelroute's as written (edited?); delete it by hand if unwanted"))
            continue
        plan.edits.append(FileEdit(path, old, None, "generated shell init", record=None,
                                   remove_dirs=dirs_made_for(path)))
    return plan


class Shell:
    """The install target (routing.edits.target): the user's login shell, or the one named."""

    name = "shell"

    def present(self) -> bool:
        return True  # every user has a shell; one we do not support gets a note, not an error

    def plan_install(self, options: Options) -> Plan:
        if options.shell is None:
            plan = Plan(self.name)
            plan.notes.append("your shell is not bash, zsh or fish: nothing to wire "
                              "(`route install --shell --login-shell zsh` picks one)")
            return plan
        shell = options.shell
        return guarded(f"shell ({shell})", lambda: plan_install(shell, options.follow_symlinks, prompt=options.prompt,
                                                                config=options.config))

    def plan_uninstall(self, options: Options) -> Plan:
        return guarded(self.name, plan_uninstall)

    def checks(self) -> list[tuple[str, Callable[[], Check]]]:
        from routing.shell import checks

        return checks.checks()

