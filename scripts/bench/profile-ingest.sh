#!/usr/bin/env bash
# Where geofleetd's CPU goes per position: DEVICES simulated Teltonika devices offer RATE positions/s for
# DURATION s; after WARMUP s, `perf record -g` samples the daemon for PERF_SECONDS s. Prints the daemon's
# CPU time per acknowledged position over that window (from /proc) and writes the top symbols (self time)
# and the top callers' share by module to $OUT (default docs/profiles/ingest-RATE.txt).
#
#   RATE=60000 DEVICES=4000 DURATION=60 WARMUP=20 PERF_SECONDS=20 STREAMS=2 scripts/bench/profile-ingest.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

RATE=${RATE:-60000}
DEVICES=${DEVICES:-4000}
DURATION=${DURATION:-60}
WARMUP=${WARMUP:-20}
PERF_SECONDS=${PERF_SECONDS:-20}
STREAMS=${STREAMS:-2}
K=${K:-10}
OUT=${OUT:-docs/profiles/ingest-$RATE.txt}
HTTP_PORT=${HTTP_PORT:-18095}
TELTONIKA_PORT=${TELTONIKA_PORT:-15095}

command -v perf >/dev/null || apt-get install -y -qq linux-perf >/dev/null
build_products geofleetd geofleet-bench
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
make_work_dir profile
export GEOFLEET_DATA_DIR=$work/data GEOFLEET_AUTO_REGISTER=true GEOFLEET_BIND=127.0.0.1 GEOFLEET_MAX_CONNECTIONS_PER_IP=1000000
export GEOFLEET_JWT_SECRET=bench-profile-secret-0123456789abcdefghij
export GEOFLEET_HTTP_PORT=$HTTP_PORT GEOFLEET_TELTONIKA_PORT=$TELTONIKA_PORT
export GEOFLEET_GT06_PORT=15096 GEOFLEET_OSMAND_PORT=15097 GEOFLEET_RUPTELA_PORT=15098 GEOFLEET_WRITER_STREAMS=$STREAMS
unset GEOFLEET_DATABASE_URL

metric() {
    curl -fsS "http://127.0.0.1:$HTTP_PORT/metrics" | awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $2 } END { printf "%.0f\n", s }'
}
# utime + stime of a process, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

step "geofleetd, $DEVICES devices at $RATE positions/s"
start_daemon
"$bin/geofleet-bench" simulate --host 127.0.0.1 --port "$TELTONIKA_PORT" --devices "$DEVICES" --rate "$RATE" \
    --duration "$DURATION" --records-per-packet "$K" >"$work/simulate.out" 2>&1 &
sim=$!
helper_pids+=("$sim")
until grep -q "^connected " "$work/simulate.out" 2>/dev/null || ! kill -0 "$sim" 2>/dev/null; do sleep 0.5; done
sleep "$WARMUP"
stored0=$(metric geofleet_positions_stored_total)
ticks0=$(cpu_ticks "$daemon_pid")
perf record -F 499 -g -p "$daemon_pid" -o "$work/perf.data" -- sleep "$PERF_SECONDS" 2>/dev/null
stored1=$(metric geofleet_positions_stored_total)
ticks1=$(cpu_ticks "$daemon_pid")
wait "$sim" || true
forget_helper "$sim"
hz=$(getconf CLK_TCK)
positions=$((stored1 - stored0))
mkdir -p "$(dirname "$OUT")"
{
    echo "# geofleetd CPU per position: RATE=$RATE DEVICES=$DEVICES STREAMS=$STREAMS K=$K, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "# command: RATE=$RATE DEVICES=$DEVICES DURATION=$DURATION WARMUP=$WARMUP PERF_SECONDS=$PERF_SECONDS STREAMS=$STREAMS scripts/bench/profile-ingest.sh"
    awk -v t=$((ticks1 - ticks0)) -v hz="$hz" -v n="$positions" -v s="$PERF_SECONDS" 'BEGIN {
        printf "# window: %d positions stored (%.0f/s), daemon CPU %.2f s = %.2f cores, %.2f µs per position\n", n, n / s, t / hz, t / hz / s, (n > 0 ? t / hz / n * 1e6 : 0) }'
    echo "# simulator: $(grep -E '^acknowledged_positions_per_second|^ack_latency_p99_ms' "$work/simulate.out" | tr '\n' ' ' || true)"
    echo
    echo "## by shared object (self time)"
    perf report -i "$work/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -15 || true
    echo
    echo "## top symbols (self time)"
    perf report -i "$work/perf.data" --no-children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -40 | cut -c1-200 || true
} >"$OUT"
cat "$OUT"
