#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds, runs `swift test`, then scripts/api-fuzz.sh,
# scripts/attack.sh and scripts/console-test.sh.
# Tests that need PostgreSQL/PostGIS start their own private clusters on unix sockets.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Package.swift: each target declares exactly the modules it imports, and docs/dependencies.md shows
# the current target graph (both read the manifest only: no build).
scripts/check-target-deps.py
scripts/deps-graph.py --check
# osrm-routed (PyPI osrm-bindings, Python ≥ 3.12 from pyenv) for the external-router tests.
scripts/install-osrm.sh >/dev/null
# Static checks, before the long build: the contract against the OpenAPI document, the changed files' format.
scripts/check-contract.py
scripts/check-format.sh
swift build --build-tests
status=0
# Test servers run in process groups of their own, listed here (Tests/GeoFleetTestSupport/ServerLifeline.swift).
GEOFLEET_TEST_PGROUP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/geofleet-test-pgroups.XXXXXX")
export GEOFLEET_TEST_PGROUP_DIR
# CI has 90 minutes: a hung test fails the run instead of stalling it (GEOFLEET_TEST_TIMEOUT, e.g. 75m).
# Serially: on two cores the suites' engines, clusters and deadline tests starve each other when run
# at once (timeouts of 2-5 s missed by seconds), and the whole run takes about as long either way
# (4 min serial against 3.5 min parallel, measured here).
timeout --kill-after=60 "${GEOFLEET_TEST_TIMEOUT:-75m}" swift test --skip-build --no-parallel "$@" || status=$?
[ "$status" -eq 124 ] && echo "swift test timed out after ${GEOFLEET_TEST_TIMEOUT:-75m}" >&2
# Watchdogs take a dead test process's servers down; whatever is still listed is killed here too.
for group_file in "$GEOFLEET_TEST_PGROUP_DIR"/*; do
    [ -f "$group_file" ] || continue
    kill -KILL -- "-$(basename "$group_file")" 2>/dev/null || true
done
rm -rf "$GEOFLEET_TEST_PGROUP_DIR"
# A test process that died cannot stop its clusters: stop any left under the temp dir.
for pid_file in "${TMPDIR:-/tmp}"/geofleet-tests-*/*/data/postmaster.pid; do
    [ -f "$pid_file" ] || continue
    kill -QUIT "$(head -1 "$pid_file")" 2>/dev/null || true
done
# A test process killed mid-run takes its servers down and swift test returns (it once hung forever).
timeout 300 scripts/check-test-cleanup.sh || status=1
# The API against its OpenAPI contract (Schemathesis on a private geofleetd); GEOFLEET_SKIP_API_FUZZ=1 skips it.
if [ "${GEOFLEET_SKIP_API_FUZZ:-0}" != 1 ]; then
    GEOFLEET_BIN=$(swift build --show-bin-path) scripts/api-fuzz.sh || status=1
fi
# The hostile-input suite against a live daemon (scripts/attack.sh); GEOFLEET_SKIP_ATTACK=1 skips it.
if [ "${GEOFLEET_SKIP_ATTACK:-0}" != 1 ]; then
    GEOFLEET_BIN=$(swift build --show-bin-path) scripts/attack.sh || status=1
fi
# The operator's console in headless chromium (scripts/console-test.sh; screenshots under .build-console/);
# GEOFLEET_SKIP_CONSOLE=1 skips it.
if [ "${GEOFLEET_SKIP_CONSOLE:-0}" != 1 ]; then
    GEOFLEET_BIN=$(swift build --show-bin-path) scripts/console-test.sh || status=1
fi
exit $status
