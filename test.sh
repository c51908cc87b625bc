#!/usr/bin/env bash
# Run the whole test suite on a fresh machine.
# Creates .venv, installs modelroute with its test extras, installs the real
# shells and the pinned Claude Code / Codex CLIs the integration tests drive,
# then runs pytest. Extra arguments go to pytest: ./test.sh -k router -x
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
scripts/install-test-tools.sh
exec .venv/bin/python -m pytest "$@"
