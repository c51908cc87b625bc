#!/usr/bin/env bash
# The README's Quick start, tried the way a new user meets it: a clean clone
# of this checkout (its committed HEAD) in a temp dir, a temp HOME, a clean
# environment (env -i: HOME, PATH with the system dirs, LANG, TERM), and the
# Quick start's two commands run exactly as the README writes them.
# Only the machine's network settings pass through, when set: proxy variables
# and the CA bundle a TLS-inspecting proxy needs (NODE_EXTRA_CA_CERTS and the
# like). They describe the network, not a user's set-up; a fresh machine on
# the same network would have them system-wide.
#
# Not run by the test suite: it downloads the pinned CLIs and takes minutes.
# Run it before a release, or after changing install.sh, test.sh or the README:
#   scripts/fresh-machine.sh           # removes the temp dir afterwards
#   scripts/fresh-machine.sh --keep    # keeps it, to look around
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
keep=0
[ "${1:-}" = --keep ] && keep=1

work=$(mktemp -d "${TMPDIR:-/tmp}/modelroute-fresh.XXXXXX")
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [ "$keep" = 1 ]; then
    echo "kept $work"
  else
    chmod -R u+w "$work" 2>/dev/null || true
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# The commands, from the README itself: every line of the Quick start's sh blocks, comment cut.
mapfile -t cmds < <(awk '/^## Quick start/ { q = 1; next } /^## / { q = 0 }
                         q && /^```sh/ { b = 1; next } q && /^```/ { b = 0; next } q && b' "$src/README.md" |
                    sed -e 's/  *#.*$//' -e '/^[[:space:]]*$/d')
if [ "${#cmds[@]}" != 2 ]; then
  echo "fresh-machine: README's Quick start should hold two commands, found ${#cmds[@]}: ${cmds[*]}" >&2
  exit 1
fi

git clone --quiet --no-hardlinks "$src" "$work/modelroute"
mkdir -m 700 "$work/home"
clean_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
network=()
for var in HTTPS_PROXY HTTP_PROXY NO_PROXY https_proxy http_proxy no_proxy \
           NODE_EXTRA_CA_CERTS SSL_CERT_FILE SSL_CERT_DIR REQUESTS_CA_BUNDLE PIP_CERT; do
  [ -n "${!var:-}" ] && network+=("$var=${!var}")
done
echo "fresh clone of $(git -C "$src" rev-parse --short HEAD) in $work/modelroute; HOME=$work/home"
[ "${#network[@]}" = 0 ] || echo "network settings passed through: ${network[*]%%=*}"

status=0
for cmd in "${cmds[@]}"; do
  echo
  echo "=== \$ $cmd"
  start=$SECONDS
  rc=0
  # shellcheck disable=SC2016  # $1 and $2 are the inner bash's
  env -i HOME="$work/home" PATH="$clean_path" LANG=C.UTF-8 TERM=dumb ${network[@]+"${network[@]}"} \
    bash -c 'cd "$1" && eval "$2"' fresh-machine "$work/modelroute" "$cmd" </dev/null 2>&1 |
    tee "$work/last.log" || rc=$?
  took=$((SECONDS - start))
  disk=$(du -sm "$work/modelroute" "$work/home" 2>/dev/null | awk '{ s += $1 } END { print s }')
  echo "=== $cmd: exit $rc after ${took} s; clone + HOME now ${disk} MB"
  [ "$rc" = 0 ] || status=1
done
echo
if [ "$status" = 0 ]; then
  echo "fresh-machine: both README commands worked on a clean clone with a clean environment"
else
  echo "fresh-machine: a README command failed (see above)"
fi
exit "$status"
