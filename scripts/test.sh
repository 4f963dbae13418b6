#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds, and runs `swift test`.
# Tests that need PostgreSQL/PostGIS start their own private clusters on unix sockets.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
status=0
swift test --skip-build "$@" || status=$?
# A test process that died cannot stop its clusters: stop any left under the temp dir.
for pid_file in "${TMPDIR:-/tmp}"/geofleet-tests-*/*/data/postmaster.pid; do
    [ -f "$pid_file" ] || continue
    kill -QUIT "$(head -1 "$pid_file")" 2>/dev/null || true
done
exit $status
