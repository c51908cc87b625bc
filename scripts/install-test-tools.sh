#!/usr/bin/env bash
# Install what the tests run for real: bash/zsh/fish, shellcheck, and the
# pinned Claude Code and Codex CLIs (npm, into .cache/npm, never global),
# ccusage (the reference `route report` is checked against) and chromium
# (the HTML report is rendered in a real headless browser), and tmux (interactive
# Claude Code for the statusLine end-to-end test).
# Idempotent and quiet when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

CLAUDE_CODE_VERSION=2.1.197
CODEX_VERSION=0.169.0
CCUSAGE_VERSION=20.0.24

need=()
for tool in zsh fish shellcheck chromium tmux strace; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} (apt-get)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "warning: missing ${need[*]}; install them to run the shell tests" >&2
  fi
fi

npm_pin() {  # npm_pin DIR PACKAGE VERSION
  local dir=.cache/npm/$1
  if [ -f "$dir/node_modules/$2/package.json" ] &&
     grep -q "\"version\": \"$3\"" "$dir/node_modules/$2/package.json"; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "warning: npm not found; the real-CLI tests need $2@$3" >&2
    return 0
  fi
  echo "installing $2@$3 (npm, into $dir)" >&2
  mkdir -p "$dir"
  npm install --silent --no-audit --no-fund --prefix "$dir" "$2@$3" >/dev/null
}
npm_pin claude @anthropic-ai/claude-code "$CLAUDE_CODE_VERSION"
npm_pin codex @openai/codex "$CODEX_VERSION"
npm_pin ccusage ccusage "$CCUSAGE_VERSION"
