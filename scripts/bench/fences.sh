#!/usr/bin/env bash
# Geofences end to end: the same simulated Teltonika load against geofleetd without fences, then with
# FENCES fences (40 % circles, 40 % 20-vertex polygons, 20 % corridors) over the area the devices drive in,
# in one run. Reports acknowledged positions/s of both (and their ratio), how long the event evaluator
# took to catch up after the load, the events made, and the delay from a position's arrival to its
# events' publication to the WebSocket rooms (geofleet_event_delay_seconds, p50/p99).
#
#   FENCES=100000 DEVICES=1000 RATE=20000 DURATION=60 K=10 scripts/bench/fences.sh
#
# RATE above what the machine takes measures the ceiling instead (both runs saturated).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

FENCES=${FENCES:-100000}
DEVICES=${DEVICES:-1000}
RATE=${RATE:-20000}
DURATION=${DURATION:-60}
K=${K:-10}
HTTP_PORT=${HTTP_PORT:-18180}
TELTONIKA_PORT=${TELTONIKA_PORT:-15127}

build_products geofleetd geofleet-bench
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

make_work_dir fences
export GEOFLEET_DATA_DIR=$work/data
export GEOFLEET_AUTO_REGISTER=true GEOFLEET_AUTO_REGISTER_OWNER=bench_fences
export GEOFLEET_JWT_SECRET=bench-fences-secret-0123456789abcdefghijk
export GEOFLEET_BIND=127.0.0.1 GEOFLEET_MAX_CONNECTIONS_PER_IP=1000000
export GEOFLEET_HTTP_PORT=$HTTP_PORT GEOFLEET_TELTONIKA_PORT=$TELTONIKA_PORT
export GEOFLEET_GT06_PORT=15123 GEOFLEET_OSMAND_PORT=15155 GEOFLEET_RUPTELA_PORT=15146
unset GEOFLEET_DATABASE_URL
metrics() { curl -fsS "http://127.0.0.1:$HTTP_PORT/metrics"; }
counter() { metrics | awk -v n="$1" '$1 == n { print int($2) }' | tail -1; }
psql_() { as_pg psql -X -q -h "$GEOFLEET_DATA_DIR/postgres/run" -d geofleet -v ON_ERROR_STOP=1 "$@"; }

# One load against the running daemon; then waits until every stored position was evaluated.
run_load() {
    local name=$1 started drained
    step "load $name: $DEVICES devices, $RATE positions/s offered, ${DURATION} s"
    "$bin/geofleet-bench" simulate --host 127.0.0.1 --port "$TELTONIKA_PORT" --devices "$DEVICES" --rate "$RATE" \
        --duration "$DURATION" --records-per-packet "$K" | tee "$work/$name.out" | grep -E '^(progress|acknowledged|ack_latency)' || true
    started=$(date +%s.%N)
    for _ in $(seq 1 1200); do
        [[ "$(counter geofleet_fence_evaluations_total)" -ge "$(counter geofleet_positions_stored_total)" ]] && break
        sleep 0.1
    done
    drained=$(elapsed_seconds "$started" "$(date +%s.%N)")
    metrics >"$work/$name.metrics"
    echo "$drained" >"$work/$name.drain"
}
value() { sed -n "s/^$2: //p" "$work/$1.out" | tail -1; }

step "without fences"
start_daemon
run_load plain
stop_daemon

step "seeding $FENCES fences"
start_daemon
seeded=$(date +%s.%N)
psql_ -v owner=bench_fences -v circles=$((FENCES * 4 / 10)) -v polygons=$((FENCES * 4 / 10)) \
    -v corridors=$((FENCES - 2 * (FENCES * 4 / 10))) -f scripts/bench/fences.sql
echo "seeded in $(elapsed_seconds "$seeded" "$(date +%s.%N)") s"
stop_daemon
restarted=$(date +%s.%N)
start_daemon
echo "restarted with the fences in $(elapsed_seconds "$restarted" "$(date +%s.%N)") s: $(grep -o '"geofences":"[0-9]*"\|geofences=[0-9]*' "$work/geofleetd.log" | tail -1)"
run_load fenced
stop_daemon

plain=$(value plain acknowledged_positions_per_second)
fenced=$(value fenced acknowledged_positions_per_second)
events=$(awk '$1 == "geofleet_events_stored_total" { print int($2) }' "$work/fenced.metrics" | tail -1)
evaluations=$(awk '$1 == "geofleet_fence_evaluations_total" { print int($2) }' "$work/fenced.metrics" | tail -1)
delay=$(python3 scripts/bench/histogram_quantile.py geofleet_event_delay_seconds 0.5 0.99 <"$work/fenced.metrics")
echo
echo "=== fences end to end: FENCES=$FENCES DEVICES=$DEVICES RATE=$RATE DURATION=$DURATION K=$K ==="
echo "acknowledged positions/s without / with fences:   ${plain:-?} / ${fenced:-?}"
echo "ratio with / without:                              $(awk -v a="${fenced:-0}" -v b="${plain:-1}" 'BEGIN { printf "%.3f", a / b }')"
echo "ACK p99 without / with (ms):                       $(value plain ack_latency_p99_ms) / $(value fenced ack_latency_p99_ms)"
echo "evaluator catch-up after the load, without / with: $(cat "$work/plain.drain") s / $(cat "$work/fenced.drain") s"
echo "positions evaluated / events stored (with):        ${evaluations:-?} / ${events:-?}"
echo "arrival -> event published, $(echo "$delay" | tr '\n' ' ')(seconds)"
