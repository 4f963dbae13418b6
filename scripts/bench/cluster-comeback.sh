#!/usr/bin/env bash
# How long trackers take to come back after a node dies: 3 nodes behind HAProxy (scripts/cluster.sh, on
# private ports), DEVICES Teltonika devices sending a fix every 250 ms through HAProxy, kill -9 of node 2
# after 6 s; each device that was on it reconnects every 50 ms until another node accepts it. Prints the
# come-back p50/p90/max from the kill (HAProxy's health checks: every 1 s, down after 2 failures).
#
#   DEVICES=60 scripts/bench/cluster-comeback.sh
#
#   GEOFLEET_BIN=<dir>   prebuilt geofleetd, geofleet and geofleet-bench (otherwise a release build)
#   PORT_BASE=30000      node i on PORT_BASE+100*i+{80 API, 27 Teltonika, ...}; HAProxy on PORT_BASE+990..994
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

DEVICES=${DEVICES:-60}
PORT_BASE=${PORT_BASE:-30000}

if [[ -n ${GEOFLEET_BIN:-} ]]; then
    bin=$(cd "$GEOFLEET_BIN" && pwd)
else
    build_products geofleetd geofleet geofleet-bench
fi
make_work_dir cluster-comeback
use_bench_cluster "$PORT_BASE"
export GEOFLEET_AUTO_REGISTER=true

step "3 nodes behind HAProxy"
GEOFLEET_BIN=$bin cluster up 3 >"$work/up.out"
step "$DEVICES devices through HAProxy; kill -9 of node 2 after 6 s"
python3 "$bench_lib_dir/cluster_comeback.py" --port "$GEOFLEET_CLUSTER_TELTONIKA_PORT" --devices "$DEVICES" --duration 25 \
    --kill-file "$work/kill" >"$work/comeback.out" &
probe=$!
helper_pids+=("$probe")
sleep 6
date +%s.%N >"$work/kill"
cluster kill 2 >/dev/null
wait "$probe"
forget_helper "$probe"
echo
echo "=== devices back after kill -9 of one node of 3 (HAProxy checks every 1 s, fall 2) ==="
cat "$work/comeback.out"
