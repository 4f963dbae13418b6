#!/usr/bin/env bash
# End-to-end benchmark: simulated Teltonika devices -> geofleetd (TCP, spool, PostGIS), then the
# raw-COPY anchor against the same database, and the ratio of the two.
#
#   DEVICES=1000 UDP_DEVICES=0 RATE=20000 DURATION=60 K=10 COPY_ROWS=1000000 scripts/bench-e2e.sh
#
# UDP_DEVICES of the DEVICES send Teltonika UDP datagrams to the same port instead of TCP (the mixed run).
#
# Builds release binaries in .build-release, starts geofleetd on a temporary data dir (it creates
# its embedded PostgreSQL + PostGIS cluster there), private ports (HTTP 18080, Teltonika 15027;
# override with HTTP_PORT / TELTONIKA_PORT), runs `geofleet simulate --copy-anchor`, prints the
# result, stops geofleetd with SIGTERM and removes the data dir (KEEP_DATA=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."

DEVICES=${DEVICES:-1000}
UDP_DEVICES=${UDP_DEVICES:-0}
RATE=${RATE:-20000}
DURATION=${DURATION:-60}
K=${K:-10}
COPY_ROWS=${COPY_ROWS:-1000000}
HTTP_PORT=${HTTP_PORT:-18080}
TELTONIKA_PORT=${TELTONIKA_PORT:-15027}
SCRATCH=${SCRATCH:-.build-release}

if [[ -z "${SKIP_BUILD:-}" ]]; then
    swift build -c release --scratch-path "$SCRATCH" --product geofleetd
    swift build -c release --scratch-path "$SCRATCH" --product geofleet
fi
bin=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)

# Each device is one socket on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

workdir=$(mktemp -d -t geofleet-e2e.XXXXXX)
chmod 0755 "$workdir" # the embedded cluster may run as the postgres user
export GEOFLEET_DATA_DIR=$workdir/data
export GEOFLEET_AUTO_REGISTER=true
export GEOFLEET_JWT_SECRET=bench-e2e-secret-0123456789abcdefghijklmn
export GEOFLEET_BIND=127.0.0.1
# Every simulated device connects from 127.0.0.1: the per-address cap (1,000) would refuse most of them.
export GEOFLEET_MAX_CONNECTIONS_PER_IP=1000000
export GEOFLEET_HTTP_PORT=$HTTP_PORT
export GEOFLEET_TELTONIKA_PORT=$TELTONIKA_PORT
export GEOFLEET_GT06_PORT=${GT06_PORT:-15023} GEOFLEET_OSMAND_PORT=${OSMAND_PORT:-15055} GEOFLEET_RUPTELA_PORT=${RUPTELA_PORT:-15046}
unset GEOFLEET_DATABASE_URL

daemon_pid=
cleanup() {
    if [[ -n "$daemon_pid" ]] && kill -0 "$daemon_pid" 2>/dev/null; then
        kill -TERM "$daemon_pid" 2>/dev/null || true
        for _ in $(seq 300); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$daemon_pid" 2>/dev/null; then
            echo "geofleetd did not stop within 30 s; killing it" >&2
            kill -KILL "$daemon_pid" 2>/dev/null || true
        fi
        wait "$daemon_pid" 2>/dev/null || true
    fi
    if [[ -z "${KEEP_DATA:-}" ]]; then
        # Should geofleetd have died without stopping its cluster, stop it ourselves.
        if [[ -f "$GEOFLEET_DATA_DIR/postgres/data/postmaster.pid" ]]; then
            pg_ctl=/usr/lib/postgresql/15/bin/pg_ctl
            if [[ $(id -u) == 0 ]]; then
                runuser -u postgres -- "$pg_ctl" -D "$GEOFLEET_DATA_DIR/postgres/data" -m fast stop >/dev/null 2>&1 || true
            else
                "$pg_ctl" -D "$GEOFLEET_DATA_DIR/postgres/data" -m fast stop >/dev/null 2>&1 || true
            fi
        fi
        rm -rf "$workdir"
    else
        echo "data kept in $workdir"
    fi
}
trap cleanup EXIT

echo "starting geofleetd (data dir $GEOFLEET_DATA_DIR, log $workdir/geofleetd.log)"
"$bin/geofleetd" >"$workdir/geofleetd.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1200); do
    curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1 && break
    kill -0 "$daemon_pid" 2>/dev/null || { echo "geofleetd exited:" >&2; tail -50 "$workdir/geofleetd.log" >&2; exit 1; }
    sleep 0.1
done
curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null || { echo "geofleetd not healthy after 120 s" >&2; exit 1; }

echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
set +e
"$bin/geofleet" simulate --host 127.0.0.1 --port "$TELTONIKA_PORT" --devices "$DEVICES" --udp-devices "$UDP_DEVICES" --rate "$RATE" \
    --duration "$DURATION" --records-per-packet "$K" --copy-anchor "$COPY_ROWS" | tee "$workdir/simulate.out"
status=${PIPESTATUS[0]}
set -e
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"

value() { sed -n "s/^$1: //p" "$workdir/simulate.out" | tail -1; }
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
grep -ciE '"level":"(error|critical)"|\b(error|critical)\b' "$workdir/geofleetd.log" | sed 's/^/geofleetd log lines mentioning error: /' || true
exit "$status"
