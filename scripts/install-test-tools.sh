#!/usr/bin/env bash
# Install what the tests run for real: bash/zsh/fish, shellcheck, and the
# pinned Claude Code and Codex CLIs (npm, into .cache/npm, never global),
# ccusage (the reference `route report` is checked against) and chromium
# (the HTML report is rendered in a real headless browser), tmux (interactive
# Claude Code for the statusLine end-to-end test) and strace (the prompt's
# fork count).
# Idempotent and quiet when everything is already there. As root with a system
# tool missing, it asks before running apt-get at a terminal, and goes ahead
# in CI (CI=true) or with MODELROUTE_APT=yes; elsewhere it says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

# Claude Code: the newest release, and the older one still in use (the e2e tests run both).
CLAUDE_CODE_VERSION=2.1.197
CLAUDE_CODE_NEW_VERSION=2.1.332
CODEX_VERSION=0.169.0
CCUSAGE_VERSION=20.0.24

need=()
for tool in zsh fish shellcheck chromium tmux strace; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ ${#need[@]} -gt 0 ]; then
  go=no
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    if [ "${CI:-}" = true ] || [ "${MODELROUTE_APT:-}" = yes ]; then
      go=yes
    elif [ -t 0 ]; then
      printf 'The tests need %s. Install them system-wide with apt-get now? [y/N] ' "${need[*]}" >&2
      read -r answer || answer=
      case $answer in [yY]*) go=yes ;; esac
    fi
  fi
  if [ "$go" = yes ]; then
    echo "installing ${need[*]} (apt-get)" >&2
    log=$(mktemp)
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; } >"$log" 2>&1; then
      tail -n 20 "$log" >&2
      rm -f "$log"
      echo "error: apt-get could not install ${need[*]} (its last lines are above); install them by hand," >&2
      echo "       or run the tests without them: the shell, browser and real-CLI tests skip what is missing" >&2
      exit 1
    fi
    rm -f "$log"
  else
    echo "warning: missing ${need[*]}; the tests that need them are skipped." >&2
    echo "         Install them (Debian/Ubuntu: sudo apt-get install ${need[*]}), or as root: CI=true $0" >&2
  fi
fi

# A worktree shares the tool cache through a .cache symlink; one that leads nowhere
# (its target deleted, or pointing at itself) would fail below with a bare mkdir error.
if [ -L .cache ] && [ ! -d .cache ]; then
  echo "error: .cache is a symlink to $(readlink .cache), which is not a directory (missing, or a loop)." >&2
  echo "       Restore that directory, or replace the link with a directory of its own: rm .cache" >&2
  exit 1
fi

npm_pin() {  # npm_pin DIR PACKAGE VERSION
  local dir=.cache/npm/$1 log
  if [ -f "$dir/node_modules/$2/package.json" ] &&
     grep -q "\"version\": \"$3\"" "$dir/node_modules/$2/package.json"; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "warning: npm not found; the real-CLI tests that need $2@$3 are skipped (install Node.js and npm to run them)" >&2
    return 0
  fi
  echo "installing $2@$3 (npm, into $dir)" >&2
  mkdir -p "$dir"
  log=$(mktemp)
  if ! npm install --no-audit --no-fund --loglevel=error --prefix "$dir" "$2@$3" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "error: npm could not install $2@$3 into $dir (npm's messages are above)." >&2
    echo "       Check the network or the registry (npm config get registry), then run ./test.sh again;" >&2
    echo "       to run the tests without the real CLIs: .venv/bin/python -m pytest -m 'not e2e'" >&2
    exit 1
  fi
  rm -f "$log"
}
npm_pin claude @anthropic-ai/claude-code "$CLAUDE_CODE_VERSION"
npm_pin claude-$CLAUDE_CODE_NEW_VERSION @anthropic-ai/claude-code "$CLAUDE_CODE_NEW_VERSION"
npm_pin codex @openai/codex "$CODEX_VERSION"
npm_pin ccusage ccusage "$CCUSAGE_VERSION"
