#!/usr/bin/env bash
# Cross-node freshness (skeleton, to be finished once geofleetd has cluster mode): a 2-node cluster from
# scripts/cluster.sh on private ports, a background Teltonika load straight into node 1, and a probe that
# sends one OsmAnd fix every 100 ms to node 1 and polls node 2's /api/map/gps until it shows it. Reports
# ACK (node 1) -> visible (node 2) p50/p90/p99/max and the misses (not visible within 5 s).
#
#   RATE=20000 DEVICES=1000 DURATION=60 K=10 scripts/bench/cluster.sh
#
#   GEOFLEET_BIN=<dir>   prebuilt geofleetd, geofleet and geofleet-bench (otherwise a release build, as the
#                        other benchmarks: SKIP_BUILD, SCRATCH, CONFIG)
#   PORT_BASE=28000      node i listens on PORT_BASE+100*i+{80 API, 27 Teltonika, 55 OsmAnd, ...}; HAProxy
#                        on PORT_BASE+990..994
#   PROBE_TIMEOUT=5      seconds a probe fix may take to show on node 2 before it counts as a miss
#
# Until the binary has cluster mode (GEOFLEET_NODE_ID + Redis relay) node 2 never shows node 1's fixes:
# every probe is a miss. The result is also written as JSON to $work/freshness.json (KEEP_DATA=1 keeps it).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

RATE=${RATE:-20000}
DEVICES=${DEVICES:-1000}
DURATION=${DURATION:-60}
K=${K:-10}
PORT_BASE=${PORT_BASE:-28000}
PROBE_TIMEOUT=${PROBE_TIMEOUT:-5}

if [[ -n ${GEOFLEET_BIN:-} ]]; then
    bin=$(cd "$GEOFLEET_BIN" && pwd)
else
    build_products geofleetd geofleet geofleet-bench
fi
for product in geofleetd geofleet geofleet-bench; do
    [[ -x $bin/$product ]] || { echo "$bin/$product is missing" >&2; exit 1; }
done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

make_work_dir cluster-bench
use_bench_cluster "$PORT_BASE"

step "cluster of 2 nodes (dir $GEOFLEET_CLUSTER_DIR)"
# The load's IMEIs register themselves; the probe polls far more often than the API limit allows.
export GEOFLEET_AUTO_REGISTER=true GEOFLEET_RATE_LIMIT_API_PER_MINUTE=0 GEOFLEET_RATE_LIMIT_FLEET_WRITES_PER_HOUR=0
GEOFLEET_BIN=$bin cluster up 2
node1_api=$((PORT_BASE + 180)) node1_teltonika=$((PORT_BASE + 127)) node1_osmand=$((PORT_BASE + 155))
node2_api=$((PORT_BASE + 280))

step "probe vehicle (added through node 1)"
probe_user=bench_freshness
probe_device=359999000000001
token=$(cluster token "$probe_user" --plan pro)
curl -fsS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"type\":\"truck\",\"licensePlate\":\"PROBE 1\",\"capacity\":{\"weight\":24000,\"volume\":90},\"gpsDeviceId\":\"$probe_device\"}" \
    "http://127.0.0.1:$node1_api/api/fleet/add" >"$work/probe-vehicle.json"
vehicle_id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["vehicleId"])' "$work/probe-vehicle.json")
echo "probe vehicle $vehicle_id (device $probe_device, owner $probe_user)"

step "load: $DEVICES devices, $RATE positions/s for $DURATION s into node 1 (Teltonika $node1_teltonika)"
"$bin/geofleet-bench" simulate --host 127.0.0.1 --port "$node1_teltonika" --devices "$DEVICES" --rate "$RATE" \
    --duration "$DURATION" --records-per-packet "$K" >"$work/simulate.out" 2>&1 &
load_pid=$!
helper_pids+=("$load_pid")
# The probe starts once the devices are connected and sending (simulate prints progress lines then).
for _ in $(seq 600); do
    grep -q '^connected ' "$work/simulate.out" 2>/dev/null && break
    kill -0 "$load_pid" 2>/dev/null || break
    sleep 0.1
done

step "probe: one OsmAnd fix per 100 ms to node 1 (OsmAnd $node1_osmand), visible on node 2 (API $node2_api)?"
set +e
python3 "$bench_lib_dir/cluster_freshness.py" --osmand-url "http://127.0.0.1:$node1_osmand" \
    --api-url "http://127.0.0.1:$node2_api" --token "$token" --device-id "$probe_device" --vehicle-id "$vehicle_id" \
    --duration "$((DURATION > 10 ? DURATION - 5 : DURATION))" --interval 0.1 --timeout "$PROBE_TIMEOUT" \
    --out "$work/freshness.json" | tee "$work/freshness.out"
probe_status=${PIPESTATUS[0]}
wait "$load_pid"
load_status=$?
forget_helper "$load_pid"
set -e

value() { sed -n "s/^$1: //p" "$2" | tail -1; }
echo
echo "=== cross-node freshness: 2 nodes, RATE=$RATE DEVICES=$DEVICES DURATION=$DURATION K=$K into node 1 ==="
echo "load acknowledged positions/s (node 1):        $(value acknowledged_positions_per_second "$work/simulate.out")"
echo "load ACK p99 (ms):                             $(value ack_latency_p99_ms "$work/simulate.out")"
echo "probes seen / missed (>$PROBE_TIMEOUT s) / refused:          $(value freshness_count "$work/freshness.out") / $(value freshness_misses "$work/freshness.out") / $(value freshness_refused "$work/freshness.out")"
echo "ACK on node 1 -> visible on node 2, p50/p90/p99/max (ms): $(value freshness_p50_ms "$work/freshness.out") / $(value freshness_p90_ms "$work/freshness.out") / $(value freshness_p99_ms "$work/freshness.out") / $(value freshness_max_ms "$work/freshness.out")"
echo "JSON: $work/freshness.json$([[ -n ${KEEP_DATA:-} ]] || echo ' (removed on exit; KEEP_DATA=1 keeps it)')"
if [[ $load_status -ne 0 ]]; then
    echo "geofleet-bench simulate exited with $load_status; the tail of its output:"
    tail -5 "$work/simulate.out"
fi
exit "$probe_status"
