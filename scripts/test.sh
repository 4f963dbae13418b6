#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds, runs `swift test`, then scripts/api-fuzz.sh and
# scripts/attack.sh.
# Tests that need PostgreSQL/PostGIS start their own private clusters on unix sockets.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# osrm-routed (PyPI osrm-bindings, Python ≥ 3.12 from pyenv) for the external-router tests.
scripts/install-osrm.sh >/dev/null
swift build --build-tests
status=0
swift test --skip-build "$@" || status=$?
# A test process that died cannot stop its clusters: stop any left under the temp dir.
for pid_file in "${TMPDIR:-/tmp}"/geofleet-tests-*/*/data/postmaster.pid; do
    [ -f "$pid_file" ] || continue
    kill -QUIT "$(head -1 "$pid_file")" 2>/dev/null || true
done
# The API against its OpenAPI contract (Schemathesis on a private geofleetd); GEOFLEET_SKIP_API_FUZZ=1 skips it.
if [ "${GEOFLEET_SKIP_API_FUZZ:-0}" != 1 ]; then
    GEOFLEET_BIN=$(swift build --show-bin-path) scripts/api-fuzz.sh || status=1
fi
# The hostile-input suite against a live daemon (scripts/attack.sh); GEOFLEET_SKIP_ATTACK=1 skips it.
if [ "${GEOFLEET_SKIP_ATTACK:-0}" != 1 ]; then
    GEOFLEET_BIN=$(swift build --show-bin-path) scripts/attack.sh || status=1
fi
exit $status
