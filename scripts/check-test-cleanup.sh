#!/usr/bin/env bash
# A test process that dies must take its servers down, and `swift test` must then return: on a fresh
# machine a crashed test left PostgreSQL, Redis and geofleetd holding swift test's output pipe and the
# run hung forever. Runs ServerLifelineProbe (which starts one of each through the test support), kills
# the test process with SIGKILL once they are up, and checks. Needs `swift build --build-tests` first.
set -euo pipefail
cd "$(dirname "$0")/.."
probe=$(mktemp -d "${TMPDIR:-/tmp}/geofleet-lifeline.XXXXXX")
runner=
# Whatever way this script ends, it leaves no probe behind (the probe's own watchdogs do the rest).
cleanup() {
    if [ -f "$probe/test.pid" ]; then kill -KILL "$(cat "$probe/test.pid")" 2>/dev/null || true; fi
    if [ -n "$runner" ]; then kill "$runner" 2>/dev/null || true; fi
    rm -rf "$probe"
}
trap cleanup EXIT
fail() { echo "check-test-cleanup: $*" >&2; tail -n 30 "$probe/swift-test.log" >&2 || true; exit 1; }
alive() { kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

GEOFLEET_LIFELINE_PROBE=$probe swift test --skip-build --filter ServerLifelineProbe >"$probe/swift-test.log" 2>&1 &
runner=$!
for _ in $(seq 1 1200); do
    [ -f "$probe/ready" ] && break
    alive "$runner" || fail "swift test ended before the probe's servers were up"
    sleep 0.1
done
[ -f "$probe/ready" ] || fail "the probe's servers did not come up within 120 s"
read -r -a servers <"$probe/servers" || true  # no trailing newline
for pid in "${servers[@]}"; do alive "$pid" || fail "server $pid is not running before the kill"; done

kill -KILL "$(cat "$probe/test.pid")"
for _ in $(seq 1 50); do
    left=()
    for pid in "${servers[@]}"; do alive "$pid" && left+=("$pid"); done
    [ ${#left[@]} -eq 0 ] && break
    sleep 0.1
done
[ ${#left[@]} -eq 0 ] || fail "servers still running 5 s after the test process was killed: ${left[*]}"
for _ in $(seq 1 300); do
    alive "$runner" || break
    sleep 0.1
done
if alive "$runner"; then
    fail "swift test did not return within 30 s of its test process being killed"
fi
echo "check-test-cleanup: servers ${servers[*]} gone and swift test returned after the test process was killed"
