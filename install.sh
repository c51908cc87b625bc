#!/usr/bin/env bash
# Install modelroute for the current user and wire it into your tools, with
# no sudo and nothing written outside $HOME / the XDG directories:
#   1. the package: with pipx when it is on PATH, otherwise into a venv at
#      $XDG_DATA_HOME/modelroute/venv, with `route` and `modelroute` linked
#      into ~/.local/bin (re-running with an unchanged checkout skips this);
#   2. `route install`: Claude Code, your login shell, Codex profiles (those
#      found), and the Cursor settings to pick by hand: it prints its plan,
#      one line per file (CREATED, MODIFIED, REMOVED, NO CHANGE), and at a
#      terminal asks before writing;
#   3. a check that it works: `route explain` on a sample prompt, `route doctor`.
# --dry-run shows the diff of every file first and writes nothing (before a
# first install it builds modelroute in a temp dir to compute them).
# Flags go on to `route install`: --dry-run, --yes, --no-claude, --no-shell,
# --no-codex, --subagents routed|haiku, --login-shell SHELL, --follow-symlinks.
# ./install.sh --uninstall [--purge] runs `route uninstall` and then removes
# the package environment too.
set -euo pipefail

die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '%s\n' "$*"; }

src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -n "${HOME:-}" ] || die "HOME is not set; set it to your home directory and run again"
[ -d "$HOME" ] || die "HOME ($HOME) does not exist; create it or set HOME to your home directory"
xdg() {  # xdg VAR DEFAULT: an absolute XDG dir, else the default (the spec ignores relative ones)
  case ${!1:-} in /*) printf '%s\n' "${!1}" ;; *) printf '%s\n' "$2" ;; esac
}
data_home=$(xdg XDG_DATA_HOME "$HOME/.local/share")
state_home=$(xdg XDG_STATE_HOME "$HOME/.local/state")
cache_home=$(xdg XDG_CACHE_HOME "$HOME/.cache")
venv=$data_home/modelroute/venv
bin_dir=$HOME/.local/bin
stamp_file=$venv/.modelroute-source
made_file=$venv/.modelroute-made-dirs  # dirs this script created, for --uninstall to tidy
started=$SECONDS

uninstall=0
dry_run=0
pass=()
for arg in "$@"; do
  case $arg in
    --uninstall) uninstall=1 ;;
    --dry-run) dry_run=1; pass+=("$arg") ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) pass+=("$arg") ;;
  esac
done

missing_dirs() {  # the ancestors of $1 (itself included) that do not exist yet, deepest first
  local d=$1
  while [ ! -e "$d" ] && [ "$d" != / ]; do printf '%s\n' "$d"; d=$(dirname "$d"); done
}

ours() {  # is this link one we made?
  [ -L "$1" ] && case $(readlink "$1") in "$venv"/*) return 0 ;; esac
  return 1
}

writable() {  # honour the permission bits even as root, as fileops does
  local d=$1
  while [ ! -e "$d" ] && [ "$d" != / ]; do d=$(dirname "$d"); done
  [ -w "$d" ] || return 1
  [ "$(id -u)" != 0 ] && return 0
  case $(ls -ld -- "$d") in ??w*) return 0 ;; esac
  return 1
}

pipx_route() {  # the modelroute pipx installed, if any
  command -v pipx >/dev/null 2>&1 || return 1
  pipx list --short 2>/dev/null | grep -q '^modelroute ' || return 1
  local d
  d=$(pipx environment --value PIPX_BIN_DIR 2>/dev/null) || d=$bin_dir
  [ -x "$d/modelroute" ] && printf '%s\n' "$d/modelroute"
}

installed_route() {  # the `route` of an existing install (ours: never net-tools' route)
  if [ -x "$venv/bin/modelroute" ]; then printf '%s\n' "$venv/bin/modelroute"; return 0; fi
  pipx_route
}

if [ "$uninstall" = 1 ]; then
  route_bin=$(installed_route || true)
  if [ -n "$route_bin" ]; then
    # Unwire first: once the package is gone, nothing knows what it added.
    "$route_bin" uninstall ${pass[@]+"${pass[@]}"} ||
      die "route uninstall did not finish (see above); the package was kept so you can fix that and run again"
  else
    say "no modelroute installation found at $venv or in pipx"
  fi
  [ "$dry_run" = 1 ] && exit 0
  made=$(cat "$made_file" 2>/dev/null || true)
  for name in route modelroute; do
    if ours "$bin_dir/$name"; then rm -f "$bin_dir/$name"; say "removed $bin_dir/$name"; fi
  done
  if [ -d "$venv" ]; then
    rm -rf "$venv" || die "could not remove $venv"
    say "removed $venv"
    rmdir "$(dirname "$venv")" 2>/dev/null || true
  fi
  # The directories this script created (~/.local/bin on a fresh account), once empty.
  printf '%s\n' "$made" | awk 'NF { print length, $0 }' | sort -rn | cut -d' ' -f2- |
    while IFS= read -r d; do rmdir "$d" 2>/dev/null && say "removed the empty $d"; done || true
  if command -v pipx >/dev/null 2>&1 && pipx list --short 2>/dev/null | grep -q '^modelroute '; then
    pipx uninstall modelroute >/dev/null && say "removed the pipx install of modelroute"
  fi
  exit 0
fi

python=${PYTHON:-}
if [ -z "$python" ]; then
  for cand in python3 python; do
    if command -v "$cand" >/dev/null 2>&1; then python=$(command -v "$cand"); break; fi
  done
fi
[ -n "$python" ] || die "python3 not found on PATH; install Python 3.9 or newer first (e.g. apt install python3 python3-venv)"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null ||
  die "$python is older than Python 3.9 (or does not run); install Python 3.9 or newer"

# A fingerprint of the checkout: re-running with nothing changed skips pip.
stamp=$("$python" - "$src" <<'PY'
import hashlib, os, sys
root, h = sys.argv[1], hashlib.sha256()
for top in ("pyproject.toml", "routing", "hooks"):
    base = os.path.join(root, top)
    files = [base] if os.path.isfile(base) else sorted(
        os.path.join(d, f) for d, dirs, fs in os.walk(base) for f in fs if "__pycache__" not in d)
    for f in files:
        h.update(os.path.relpath(f, root).encode() + b"\0")
        with open(f, "rb") as fh:
            h.update(hashlib.sha256(fh.read()).digest())
print(h.hexdigest())
PY
) || die "cannot read the checkout at $src"

use_pipx=0
if command -v pipx >/dev/null 2>&1 && [ -z "${MODELROUTE_NO_PIPX:-}" ]; then use_pipx=1; fi

if [ "$dry_run" = 1 ]; then
  route_bin=$(installed_route || true)
  if [ -n "$route_bin" ]; then
    [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ] || say "would update the modelroute package in $venv"
    exec "$route_bin" install ${pass[@]+"${pass[@]}"}
  fi
  # Nothing installed yet: build it in a temp dir (outside HOME, removed on exit) and plan
  # from there as if it lived where the real install will put it.
  final=$venv
  if [ "$use_pipx" = 1 ]; then
    final=$(pipx environment --value PIPX_LOCAL_VENVS 2>/dev/null)/modelroute
    say "would install modelroute with pipx (into $final)"
  else
    say "would install modelroute into $venv and link route, modelroute into $bin_dir"
  fi
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/modelroute-dry-run.XXXXXX") || die "cannot make a temp dir to plan in"
  trap 'rm -rf "$tmp"' EXIT
  say "building modelroute in $tmp to show the diffs (nothing in your HOME is written) ..."
  real=$("$python" -c 'import sys; print(sys.executable)')
  "$real" -m venv "$tmp/venv" >/dev/null || die "could not create a virtual environment (on Debian: apt install python3-venv)"
  PIP_CACHE_DIR=$tmp/pip-cache "$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$src" ||
    die "pip install failed (see the messages above)"
  MODELROUTE_PLAN_AS_VENV=$final "$tmp/venv/bin/modelroute" install ${pass[@]+"${pass[@]}"}
  exit $?
fi

if [ "$use_pipx" = 1 ]; then
  say "installing the modelroute package with pipx ..."
  pipx install --force "$src" >/dev/null || die "pipx install failed"
  route_bin=$(pipx_route) || die "pipx installed modelroute but its modelroute command was not found"
  say "installed modelroute with pipx"
else
  # Before anything is created: the dirs modelroute will make, so --uninstall can tidy them.
  made=$( { cat "$made_file" 2>/dev/null || true; for d in "$venv" "$bin_dir" "$state_home/modelroute" \
           "$cache_home/modelroute"; do missing_dirs "$d"; done; } | sort -u)
  if ! writable "$(dirname "$venv")" || ! mkdir -p "$(dirname "$venv")" 2>/dev/null; then
    die "cannot create $(dirname "$venv"): read-only (HOME or XDG_DATA_HOME); make it writable and run again"
  fi
  if [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ] && [ -x "$venv/bin/modelroute" ]; then
    say "modelroute in $venv is up to date"
  else
    say "installing the modelroute package into $venv (a venv of its own, with pip) ..."
    if [ ! -x "$venv/bin/python" ]; then
      # Resolve shims (pyenv, asdf) to the real interpreter: hooks start faster.
      real=$("$python" -c 'import sys; print(sys.executable)')
      "$real" -m venv "$venv" || die "could not create a virtual environment at $venv (on Debian: apt install python3-venv)"
    fi
    rm -f "$stamp_file"
    # No pip cache: the wheel built from this checkout would stay in ~/.cache/pip after --uninstall.
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir --upgrade "$src" ||
      die "pip install failed (see the messages above)"
    printf '%s\n' "$stamp" > "$stamp_file"
    say "installed modelroute into $venv"
  fi
  if ! writable "$bin_dir" || ! mkdir -p "$bin_dir" 2>/dev/null; then
    die "cannot create $bin_dir: read-only; make it writable and run again"
  fi
  [ -z "$made" ] || printf '%s\n' "$made" > "$made_file"
  for name in route modelroute; do
    target=$bin_dir/$name
    if [ -e "$target" ] && ! ours "$target"; then
      say "note: $target exists and is not ours; left alone (use $venv/bin/$name)"
      continue
    fi
    [ "$(readlink "$target" 2>/dev/null)" = "$venv/bin/$name" ] || ln -sfn "$venv/bin/$name" "$target"
  done
  route_bin=$venv/bin/modelroute
  case ":$PATH:" in
    *":$bin_dir:"*) ;;
    *) say "note: $bin_dir is not on PATH in this shell; new shells get it from the shell set-up below" ;;
  esac
fi

say ""
say "wiring your tools (route install):"
"$route_bin" install ${pass[@]+"${pass[@]}"} || {
  rc=$?
  say "route install reported problems (above); fix them and run $0 again"
  exit "$rc"
}

# Show it working: one prompt through the router, then every check with its fix.
sample="find where parse_config is defined"
say ""
say "modelroute at work: \`route explain \"$sample\"\`"
"$route_bin" explain "$sample" | sed 's/^/  /' || true
say ""
say "checking the set-up: \`route doctor\`"
doctor_rc=0
"$route_bin" doctor | sed 's/^/  /' || doctor_rc=$?  # pipefail: doctor's own exit status
say ""
if [ "$doctor_rc" != 0 ]; then
  say "route doctor found a problem (the fail line above says how to fix it)"
  exit 1
fi
say "modelroute is installed and working ($((SECONDS - started)) s)."
say "Next: open a new shell, then try \`codex-quick \"...\"\` or start Claude Code; \`route status\` shows the session."
