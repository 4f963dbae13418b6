#!/usr/bin/env bash
# Ingest through HAProxy with 1 node against 2 nodes, in the same run: scripts/cluster.sh on private
# ports, geofleet-bench simulate into HAProxy's Teltonika port at a rate past one node's saturation.
# On one 2-core machine this shows what the relay between nodes costs, not a speed-up: both nodes,
# PostgreSQL, Redis, HAProxy and the load generator share the same cores.
#
#   RATE=150000 DEVICES=2000 DURATION=30 scripts/bench/cluster-ingest.sh
#
#   GEOFLEET_BIN=<dir>   prebuilt geofleetd, geofleet and geofleet-bench (otherwise a release build)
#   PORT_BASE=29000      node i on PORT_BASE+100*i+{80 API, 27 Teltonika, ...}; HAProxy on PORT_BASE+990..994
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

RATE=${RATE:-150000}
DEVICES=${DEVICES:-2000}
DURATION=${DURATION:-30}
K=${K:-10}
PORT_BASE=${PORT_BASE:-29000}

if [[ -n ${GEOFLEET_BIN:-} ]]; then
    bin=$(cd "$GEOFLEET_BIN" && pwd)
else
    build_products geofleetd geofleet geofleet-bench
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

make_work_dir cluster-ingest
use_bench_cluster "$PORT_BASE"
export GEOFLEET_AUTO_REGISTER=true

value() { sed -n "s/^$1: //p" "$2" | tail -1; }
declare -A acked p99
for nodes in 1 2; do
    step "$nodes node(s) behind HAProxy: $DEVICES devices offering $RATE positions/s for $DURATION s"
    GEOFLEET_BIN=$bin cluster up "$nodes" >"$work/up-$nodes.out"
    "$bin/geofleet-bench" simulate --host 127.0.0.1 --port "$GEOFLEET_CLUSTER_TELTONIKA_PORT" --devices "$DEVICES" \
        --rate "$RATE" --duration "$DURATION" --records-per-packet "$K" --imei-base $((350000000000000 + nodes * 100000)) \
        | tee "$work/simulate-$nodes.out" | grep -E '^(acknowledged_positions_per_second|ack_latency_p99_ms|disconnected_devices):'
    acked[$nodes]=$(value acknowledged_positions_per_second "$work/simulate-$nodes.out")
    p99[$nodes]=$(value ack_latency_p99_ms "$work/simulate-$nodes.out")
    cluster purge >/dev/null 2>&1 || cluster down >/dev/null
done
echo
echo "=== ingest through HAProxy, RATE=$RATE DEVICES=$DEVICES DURATION=$DURATION K=$K ==="
echo "1 node:  ${acked[1]} acknowledged/s, ACK p99 ${p99[1]} ms"
echo "2 nodes: ${acked[2]} acknowledged/s, ACK p99 ${p99[2]} ms"
python3 -c "import sys; print(f'2 nodes / 1 node: {float(sys.argv[2]) / float(sys.argv[1]):.2f}')" "${acked[1]}" "${acked[2]}"
