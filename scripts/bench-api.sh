#!/usr/bin/env bash
# The API under load: wrk against GET /api/map/gps and GET /api/fleet/nearby while geofleetd holds
# VEHICLES vehicles (spread over USERS users) and ingests RATE positions/s from SIM_DEVICES simulated
# Teltonika devices.
#
#   VEHICLES=100000 USERS=1000 RATE=20000 SIM_DEVICES=2000 DURATION=30 CONNECTIONS=32 scripts/bench-api.sh
#
# Seeds vehicles, devices and latest positions with SQL into geofleetd's embedded cluster, restarts
# geofleetd so its catalog and hot index hold them, starts `geofleet simulate` (devices 0… of the seeded
# IMEIs), then runs wrk twice (map, then nearby at random points in Romania), each request signed for one
# of 50 users picked at random. Rate limits are off. Builds release binaries in .build-release
# (SKIP_BUILD=1 reuses them); installs wrk from apt if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

VEHICLES=${VEHICLES:-100000}
USERS=${USERS:-1000}
RATE=${RATE:-20000}
SIM_DEVICES=${SIM_DEVICES:-2000}
DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-32}
HTTP_PORT=${HTTP_PORT:-18081}
TELTONIKA_PORT=${TELTONIKA_PORT:-15028}
SCRATCH=${SCRATCH:-.build-release}
IMEI_BASE=350000000000000

command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null 2>&1 || sudo apt-get install -y wrk; }
if [[ -z "${SKIP_BUILD:-}" ]]; then
    swift build -c release --scratch-path "$SCRATCH" --product geofleetd
    swift build -c release --scratch-path "$SCRATCH" --product geofleet
fi
bin=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

workdir=$(mktemp -d -t geofleet-api.XXXXXX)
chmod 0755 "$workdir"
export GEOFLEET_DATA_DIR=$workdir/data GEOFLEET_BIND=127.0.0.1 GEOFLEET_HTTP_PORT=$HTTP_PORT
export GEOFLEET_TELTONIKA_PORT=$TELTONIKA_PORT GEOFLEET_GT06_PORT=15024 GEOFLEET_OSMAND_PORT=15056 GEOFLEET_RUPTELA_PORT=15047
export GEOFLEET_JWT_SECRET=bench-api-secret-0123456789abcdefghijklmnop
export GEOFLEET_RATE_LIMIT_FLEET_WRITES_PER_HOUR=0 GEOFLEET_RATE_LIMIT_API_PER_MINUTE=0
# Every simulated device connects from 127.0.0.1: lift the per-IP connection cap.
export GEOFLEET_MAX_CONNECTIONS_PER_IP=1000000
unset GEOFLEET_DATABASE_URL GEOFLEET_AUTO_REGISTER

daemon_pid=
stop_daemon() {
    if [[ -n "$daemon_pid" ]] && kill -0 "$daemon_pid" 2>/dev/null; then
        kill -TERM "$daemon_pid"
        for _ in $(seq 300); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
        wait "$daemon_pid" 2>/dev/null || true
    fi
    daemon_pid=
}
cleanup() {
    stop_daemon
    if [[ -f "$GEOFLEET_DATA_DIR/postgres/data/postmaster.pid" ]]; then
        runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$GEOFLEET_DATA_DIR/postgres/data" -m fast stop >/dev/null 2>&1 || true
    fi
    [[ -n "${KEEP_DATA:-}" ]] && echo "data kept in $workdir" || rm -rf "$workdir"
}
trap cleanup EXIT
start_daemon() {
    "$bin/geofleetd" >>"$workdir/geofleetd.log" 2>&1 &
    daemon_pid=$!
    for _ in $(seq 1200); do
        curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1 && return 0
        kill -0 "$daemon_pid" 2>/dev/null || { tail -30 "$workdir/geofleetd.log" >&2; exit 1; }
        sleep 0.1
    done
    echo "geofleetd not healthy" >&2; exit 1
}

echo "== creating the schema"
start_daemon
echo "== seeding $VEHICLES vehicles for $USERS users (devices $IMEI_BASE…, latest positions around Romania)"
seed_started=$(date +%s)
runuser -u postgres -- psql -q -h "$GEOFLEET_DATA_DIR/postgres/run" -d geofleet -v ON_ERROR_STOP=1 <<SQL
INSERT INTO vehicles (user_id, type, license_plate, capacity_weight_kg, capacity_volume_m3, gps_device_id)
SELECT 'bench_user_' || (i % $USERS), 'truck', 'BENCH ' || i, 24000, 90, ($IMEI_BASE + i)::text
FROM generate_series(0, $VEHICLES - 1) i;
INSERT INTO devices (unique_id, vehicle_key) SELECT gps_device_id, key FROM vehicles WHERE license_plate LIKE 'BENCH %';
INSERT INTO vehicle_latest (vehicle_key, fix_time, latitude, longitude, speed_kmh, heading, source)
SELECT key, now() - interval '10 minutes', 43.8 + random() * 4.3, 20.5 + random() * 9.0, 60, 90, 'device'
FROM vehicles WHERE license_plate LIKE 'BENCH %';
SQL
echo "seeded in $(( $(date +%s) - seed_started )) s; restarting geofleetd to load them"
stop_daemon
start_daemon

lua=$workdir/tokens.lua
{
    echo "tokens = {"
    for u in $(seq 0 49); do
        echo "  \"$("$bin/geofleet" token --sub "bench_user_$u" --plan pro --ttl 7200 | tail -1)\","
    done
    echo "}"
    cat <<'LUA'
math.randomseed(os.time())
request = function()
  local token = tokens[math.random(#tokens)]
  local path = wrk.path
  if string.find(path, "nearby") then
    path = string.format("/api/fleet/nearby?lat=%.4f&long=%.4f&radiusKm=100&limit=10", 43.8 + math.random() * 4.3, 20.5 + math.random() * 9.0)
  end
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
LUA
} > "$lua"

echo "== live ingest: $SIM_DEVICES devices, $RATE positions/s"
"$bin/geofleet" simulate --host 127.0.0.1 --port "$TELTONIKA_PORT" --devices "$SIM_DEVICES" --imei-base "$IMEI_BASE" \
    --rate "$RATE" --duration $((2 * DURATION + 20)) --records-per-packet 10 >"$workdir/simulate.out" 2>&1 &
sim_pid=$!
sleep 8

results=$workdir/results
: > "$results"
for target in "/api/map/gps" "/api/fleet/nearby"; do
    echo "== wrk $target"
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$lua" "http://127.0.0.1:$HTTP_PORT$target" | tee "$workdir/wrk.out"
    rps=$(awk '/Requests\/sec/ {print $2}' "$workdir/wrk.out")
    p99=$(awk '$1 == "99%" {print $2}' "$workdir/wrk.out")
    p50=$(awk '$1 == "50%" {print $2}' "$workdir/wrk.out")
    non2xx=$(awk '/Non-2xx/ {print $5}' "$workdir/wrk.out")
    echo "$target requests/s=$rps p50=$p50 p99=$p99 non2xx=${non2xx:-0}" >> "$results"
done
wait "$sim_pid" || true
acked=$(sed -n 's/^acknowledged_positions_per_second: //p' "$workdir/simulate.out" | tail -1)
echo
echo "=== API under load: VEHICLES=$VEHICLES USERS=$USERS RATE=$RATE SIM_DEVICES=$SIM_DEVICES DURATION=$DURATION CONNECTIONS=$CONNECTIONS ==="
cat "$results"
echo "live ingest while wrk ran: ${acked:-?} acknowledged positions/s (offered $RATE)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
