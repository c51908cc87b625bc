#!/usr/bin/env bash
# Install modelroute for the current user, with no sudo and nothing outside
# $HOME / the XDG directories:
#   - with pipx when it is on PATH;
#   - otherwise into a venv at $XDG_DATA_HOME/modelroute/venv, with `route`
#     and `modelroute` linked into ~/.local/bin.
# ./install.sh --uninstall removes exactly that again.
set -euo pipefail

die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '%s\n' "$*"; }

src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -n "${HOME:-}" ] || die "HOME is not set"
[ -d "$HOME" ] || die "HOME ($HOME) does not exist"
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
case $data_home in /*) ;; *) data_home=$HOME/.local/share ;; esac
venv=$data_home/modelroute/venv
bin_dir=$HOME/.local/bin

uninstall=0
for arg in "$@"; do
  case $arg in
    --uninstall) uninstall=1 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  esac
done

ours() {  # is this link one we made?
  [ -L "$1" ] && case $(readlink "$1") in "$venv"/*) return 0 ;; esac
  return 1
}

if [ "$uninstall" = 1 ]; then
  for name in route modelroute; do
    if ours "$bin_dir/$name"; then rm -f "$bin_dir/$name"; say "removed $bin_dir/$name"; fi
  done
  if [ -d "$venv" ]; then rm -rf "$venv"; say "removed $venv"; fi
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
[ -n "$python" ] || die "python3 not found on PATH; install Python 3.9 or newer first"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 9))' ||
  die "$python is older than Python 3.9"

if command -v pipx >/dev/null 2>&1 && [ -z "${MODELROUTE_NO_PIPX:-}" ]; then
  pipx install --force "$src" >/dev/null || die "pipx install failed"
  route_bin=$(command -v route || true)
  say "installed modelroute with pipx"
else
  mkdir -p "$(dirname "$venv")" || die "cannot create $(dirname "$venv") (read-only HOME?)"
  if [ ! -x "$venv/bin/python" ]; then
    # Resolve shims (pyenv, asdf) to the real interpreter: hooks start faster.
    real=$("$python" -c 'import sys; print(sys.executable)')
    "$real" -m venv "$venv" || die "could not create a virtual environment at $venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "$src" ||
    die "pip install failed (see the messages above)"
  mkdir -p "$bin_dir" || die "cannot create $bin_dir"
  for name in route modelroute; do
    target=$bin_dir/$name
    if [ -e "$target" ] && ! ours "$target"; then
      say "note: $target exists and is not ours; left alone (use $venv/bin/$name)"
      continue
    fi
    ln -sfn "$venv/bin/$name" "$target"
  done
  route_bin=$bin_dir/route
  say "installed modelroute into $venv"
  say "linked route and modelroute into $bin_dir"
  case ":$PATH:" in *":$bin_dir:"*) ;; *) say "note: add $bin_dir to your PATH" ;; esac
fi

say "try: route explain \"find where parse_config is defined\""
say "undo: $0 --uninstall"
