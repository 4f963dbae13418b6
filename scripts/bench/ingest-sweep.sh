#!/usr/bin/env bash
# Sustained ingest against offered rate: for each rate, a fresh geofleetd (embedded PostgreSQL) takes
# Teltonika TCP positions from DEVICES simulated devices for DURATION seconds; then the raw-COPY anchors
# run against the same table: (a) one `psql \copy … (FORMAT binary)` stream from a file, (b) STREAMS
# such streams in parallel.
#
#   RATES="60000 80000 100000 120000 140000" DEVICES=10000 DURATION=300 STREAMS=2 K=10 COPY_ROWS=1000000 \
#       scripts/bench/ingest-sweep.sh
#
# Per rate it reports: acknowledged and committed rows/s while sending (committed from the writer's
# counters on /metrics), the history backlog (rows) at 60 s and at the end, whether it stayed flat
# (grew by at most 2 s of offered positions), ACK p50/p99, and the drain after sending: the backlog left
# when sending stopped over the seconds to commit it is the daemon's PostGIS commit rate with nothing else
# running, as a fraction of anchor (b). Results go to $OUT (default docs/bench/ingest-sweep.csv) and
# a plot next to it (ingest-sweep.png, matplotlib from PyPI).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

RATES=${RATES:-"60000 80000 100000 120000 140000"}
DEVICES=${DEVICES:-10000}
DURATION=${DURATION:-300}
STREAMS=${STREAMS:-2}
K=${K:-10}
COPY_ROWS=${COPY_ROWS:-1000000}
OUT=${OUT:-docs/bench/ingest-sweep.csv}
HTTP_PORT=${HTTP_PORT:-18090}
TELTONIKA_PORT=${TELTONIKA_PORT:-15090}

build_products geofleetd geofleet-bench
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
make_work_dir sweep
export GEOFLEET_AUTO_REGISTER=true GEOFLEET_BIND=127.0.0.1 GEOFLEET_MAX_CONNECTIONS_PER_IP=1000000
export GEOFLEET_JWT_SECRET=bench-sweep-secret-0123456789abcdefghijkl
export GEOFLEET_HTTP_PORT=$HTTP_PORT GEOFLEET_TELTONIKA_PORT=$TELTONIKA_PORT
export GEOFLEET_GT06_PORT=15091 GEOFLEET_OSMAND_PORT=15092 GEOFLEET_RUPTELA_PORT=15093
export GEOFLEET_WRITER_STREAMS=$STREAMS
unset GEOFLEET_DATABASE_URL

# Sums a metric's samples (every label set) from /metrics.
metric() {
    curl -fsS "http://127.0.0.1:$HTTP_PORT/metrics" 2>/dev/null | awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $2 } END { printf "%.0f\n", s }'
}

mkdir -p "$(dirname "$OUT")"
echo "offered,acked_per_s,committed_per_s,backlog_60s,backlog_end,flat,ack_p50_ms,ack_p99_ms,drain_s,drain_rows_per_s,anchor_a,anchor_b,drain_to_b" >"$OUT"
for rate in $RATES; do
    step "rate $rate/s: fresh geofleetd, $DEVICES devices, $DURATION s"
    export GEOFLEET_DATA_DIR=$work/data-$rate
    start_daemon
    "$bin/geofleet-bench" simulate --host 127.0.0.1 --port "$TELTONIKA_PORT" --devices "$DEVICES" --rate "$rate" \
        --duration "$DURATION" --records-per-packet "$K" --copy-anchor "$COPY_ROWS" --copy-anchor-streams "$STREAMS" \
        >"$work/simulate-$rate.out" 2>&1 &
    sim=$!
    helper_pids+=("$sim")
    # Sending starts once every device is connected: watch for the simulator's first progress line.
    until grep -q "^connected " "$work/simulate-$rate.out" 2>/dev/null || ! kill -0 "$sim" 2>/dev/null; do sleep 0.5; done
    t0=$(date +%s.%N)
    c0=$(metric geofleet_history_rows_committed_total)
    sleep 60
    b60=$(metric geofleet_history_backlog_rows)
    sleep $((DURATION - 60))
    t1=$(date +%s.%N)
    c1=$(metric geofleet_history_rows_committed_total)
    bend=$(metric geofleet_history_backlog_rows)
    wait "$sim" || true
    forget_helper "$sim"
    stop_daemon
    value() { sed -n "s/^$1: //p" "$work/simulate-$rate.out" | tail -1; }
    committed=$(awk -v a="$c0" -v b="$c1" -v s="$(elapsed_seconds "$t0" "$t1")" 'BEGIN { printf "%.0f", (b - a) / s }')
    flat=$(awk -v a="$b60" -v b="$bend" -v r="$rate" 'BEGIN { print (b - a <= 2 * r) ? "yes" : "no" }')
    line="$rate,$(value acknowledged_positions_per_second),$committed,$b60,$bend,$flat,$(value ack_latency_p50_ms),$(value ack_latency_p99_ms)"
    # After sending, the daemon only commits: its backlog over the drain time is its PostGIS commit rate,
    # comparable with anchor (b) on the same idle box (empty when there was no backlog to drain).
    drain=$(value postgis_drain_seconds)
    anchor_b=$(value raw_copy_parallel_rows_per_second)
    drain_rate=$(awk -v b="$bend" -v d="$drain" 'BEGIN { if (d > 1 && b > 0) printf "%.0f", b / d }')
    drain_ratio=$(awk -v r="$drain_rate" -v a="$anchor_b" 'BEGIN { if (r > 0 && a > 0) printf "%.2f", r / a }')
    line+=",$drain,$drain_rate,$(value raw_copy_rows_per_second),$anchor_b,$drain_ratio"
    echo "$line" | tee -a "$OUT"
    rm -rf "$GEOFLEET_DATA_DIR"
done
step "plotting"
python3 -c 'import matplotlib' 2>/dev/null || pip install -q matplotlib
python3 "$bench_lib_dir/ingest_sweep_plot.py" "$OUT" "${OUT%.csv}.png"
column -s, -t "$OUT"
