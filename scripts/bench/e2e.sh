#!/usr/bin/env bash
# End-to-end benchmark: simulated Teltonika devices -> geofleetd (TCP, spool, PostGIS), then the
# raw-COPY anchor against the same database, and the ratio of the two.
#
#   DEVICES=1000 UDP_DEVICES=0 RATE=20000 DURATION=60 K=10 COPY_ROWS=1000000 scripts/bench/e2e.sh
#
# UDP_DEVICES of the DEVICES send Teltonika UDP datagrams to the same port instead of TCP (the mixed run).
#
# Builds release binaries in .build-release, starts geofleetd on a temporary data dir (it creates
# its embedded PostgreSQL + PostGIS cluster there), private ports (HTTP 18080, Teltonika 15027;
# override with HTTP_PORT / TELTONIKA_PORT), runs `geofleet-bench simulate --copy-anchor`, prints the
# result, stops geofleetd with SIGTERM and removes the data dir (KEEP_DATA=1 keeps it).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

DEVICES=${DEVICES:-1000}
UDP_DEVICES=${UDP_DEVICES:-0}
RATE=${RATE:-20000}
DURATION=${DURATION:-60}
K=${K:-10}
COPY_ROWS=${COPY_ROWS:-1000000}
HTTP_PORT=${HTTP_PORT:-18080}
TELTONIKA_PORT=${TELTONIKA_PORT:-15027}

build_products geofleetd geofleet-bench

# Each device is one socket on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

make_work_dir e2e
export GEOFLEET_DATA_DIR=$work/data
export GEOFLEET_AUTO_REGISTER=true
export GEOFLEET_JWT_SECRET=bench-e2e-secret-0123456789abcdefghijklmn
export GEOFLEET_BIND=127.0.0.1
# Every simulated device connects from 127.0.0.1: the per-address cap (1,000) would refuse most of them.
export GEOFLEET_MAX_CONNECTIONS_PER_IP=1000000
export GEOFLEET_HTTP_PORT=$HTTP_PORT
export GEOFLEET_TELTONIKA_PORT=$TELTONIKA_PORT
export GEOFLEET_GT06_PORT=${GT06_PORT:-15023} GEOFLEET_OSMAND_PORT=${OSMAND_PORT:-15055} GEOFLEET_RUPTELA_PORT=${RUPTELA_PORT:-15046}
unset GEOFLEET_DATABASE_URL

echo "starting geofleetd (data dir $GEOFLEET_DATA_DIR, log $work/geofleetd.log)"
start_daemon

echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
set +e
"$bin/geofleet-bench" simulate --host 127.0.0.1 --port "$TELTONIKA_PORT" --devices "$DEVICES" --udp-devices "$UDP_DEVICES" --rate "$RATE" \
    --duration "$DURATION" --records-per-packet "$K" --copy-anchor "$COPY_ROWS" | tee "$work/simulate.out"
status=${PIPESTATUS[0]}
set -e
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"

value() { sed -n "s/^$1: //p" "$work/simulate.out" | tail -1; }
e2e=$(value acknowledged_positions_per_second)
raw=$(value raw_copy_rows_per_second)
echo
echo "=== end to end: DEVICES=$DEVICES UDP_DEVICES=$UDP_DEVICES RATE=$RATE DURATION=$DURATION K=$K COPY_ROWS=$COPY_ROWS ==="
echo "acknowledged positions/s (Teltonika -> spool):     ${e2e:-?}"
echo "ACK latency p50 / p99 / p99.9 / max (ms):         $(value ack_latency_p50_ms) / $(value ack_latency_p99_ms) / $(value ack_latency_p999_ms) / $(value ack_latency_max_ms)"
echo "refused / unacknowledged packets / late sends:    $(value refused_devices) / $(value unacknowledged_packets) / $(value late_sends)"
echo "PostGIS drain after the run (s), rows committed:  $(value postgis_drain_seconds), $(value postgis_rows_committed)"
echo "raw COPY rows/s (10,000-row transactions):         ${raw:-?}"
if [[ -n "$e2e" && -n "$raw" && "$raw" != 0 ]]; then
    echo "ratio end to end / raw COPY:                       $(awk -v a="$e2e" -v b="$raw" 'BEGIN { printf "%.1f %%", 100 * a / b }')"
fi
grep -ciE '"level":"(error|critical)"|\b(error|critical)\b' "$work/geofleetd.log" | sed 's/^/geofleetd log lines mentioning error: /' || true
exit "$status"
