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
from typing import Callable, Mapping, Optional

from routing.core import paths
from routing.core.checks import Check
from routing.edits import owned as owned_files
from routing.edits import record as install_record
from routing.edits.fileops import FileOpsError, read_text
from routing.edits.plan import KEEP, FileEdit, Skipped, created_record, dirs_made_for
from routing.edits.target import Options, Plan, guarded
from routing.shell import rcfile

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


def generated_text(shell: str, rendered: str) -> str:
    if not rendered.endswith("\n"):
        rendered += "\n"
    if shell == "fish":
        loaded = f"set -gx {LOADED_VAR} fish\n"
    else:
        loaded = f"export {LOADED_VAR}={shell}\n"
    return owned_files.render(f"# `route init {shell}`, rendered once so shells start without Python.\n{loaded}{rendered}")


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
) -> Plan:
    env = os.environ if environ is None else environ
    plan = Plan(f"shell ({shell})")
    home = paths.home()
    try:
        text = generated_text(shell, render(shell))
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        plan.skipped.append(Skipped(init_file(shell), str(e), failed=True))
        return plan
    if shell == "fish":
        conf = fish_conf_file(env)
        _plan_owned(plan, conf, text, "fish conf.d file")
        return plan
    target = init_file(shell)
    _plan_owned(plan, target, text, f"{shell} init")
    block = rcfile.render_block(target, home)
    for rc in rcfile.rc_files(shell, home, env, platform):
        follow = False
        if rc.is_symlink():
            if not follow_symlinks:
                plan.skipped.append(_symlink_refusal(rc, block))
                continue
            follow = True
            plan.notes.append(f"{rc} is a symlink: editing its target {os.path.realpath(rc)}")
        try:
            old = read_text(rc, follow=follow)
            new = rcfile.add_block(old or "", block, str(rc))
        except (FileOpsError, rcfile.RcFileError) as e:
            plan.skipped.append(Skipped(rc, str(e), failed=True))
            continue
        plan.edits.append(FileEdit(rc, old, new, f"{shell} rc block", mode=0o644, follow=follow, record=created_record(rc) if old is None else KEEP))
        if old and re.search(r"\b(route|modelroute) init\b", rcfile.remove_blocks(old, str(rc))):
            plan.notes.append(f"{rc} also runs `route init` itself; the block replaces that line, so you can delete it")
    if shell == "bash" and platform != "darwin":
        note = rcfile.bash_login_note(home)
        if note:
            plan.notes.append(note)
    return plan


def _plan_owned(plan: Plan, path: Path, text: str, what: str) -> None:
    try:
        old = read_text(path)
    except FileOpsError as e:
        plan.skipped.append(Skipped(path, str(e), failed=True))
        return
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
                               record=created_record(path) if old is None else KEEP))


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
        return guarded(f"shell ({shell})", lambda: plan_install(shell, options.follow_symlinks))

    def plan_uninstall(self, options: Options) -> Plan:
        return guarded(self.name, plan_uninstall)

    def checks(self) -> list[tuple[str, Callable[[], Check]]]:
        from routing.shell import checks

        return checks.checks()

