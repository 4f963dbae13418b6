#!/usr/bin/env bash
# The API under load: wrk against GET /api/map/gps, GET /api/fleet/nearby and GET /healthz while
# geofleetd holds VEHICLES vehicles (spread over USERS users) and ingests RATE positions/s from
# SIM_DEVICES simulated Teltonika devices; then (IDLE=1, the default) the same three again with no ingest.
# Each phase reports nearby/healthz and map/healthz: /healthz, with the same wrk connections in the same
# run, is what the HTTP server answers when a request costs nothing of its own.
#
#   VEHICLES=100000 USERS=1000 RATE=20000 SIM_DEVICES=2000 DURATION=30 CONNECTIONS=32 scripts/bench/api.sh
#
# Seeds vehicles, devices and latest positions with SQL into geofleetd's embedded cluster, restarts
# geofleetd so its catalog and hot index hold them, starts `geofleet-bench simulate` (devices 0… of the seeded
# IMEIs), then runs wrk twice (map, then nearby at random points in Romania), each request signed for one
# of 50 users picked at random. Rate limits are off. Builds release binaries in .build-release
# (SKIP_BUILD=1 reuses them); installs wrk from apt if it is missing.
#
#   IDLE=0                   skip the phase without ingest
#   PERF_TARGET=/api/fleet/nearby PERF_OUT=perf.data
#                            `perf record -g` on geofleetd while wrk runs that target in the first phase
#                            (release builds carry symbols; see docs/profiles/)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

VEHICLES=${VEHICLES:-100000}
USERS=${USERS:-1000}
RATE=${RATE:-20000}
SIM_DEVICES=${SIM_DEVICES:-2000}
DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-32}
IDLE=${IDLE:-1}
HTTP_PORT=${HTTP_PORT:-18081}
TELTONIKA_PORT=${TELTONIKA_PORT:-15028}
IMEI_BASE=350000000000000

command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null 2>&1 || sudo apt-get install -y wrk; }
build_products geofleetd geofleet geofleet-bench
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

make_work_dir api
export GEOFLEET_DATA_DIR=$work/data GEOFLEET_BIND=127.0.0.1 GEOFLEET_HTTP_PORT=$HTTP_PORT
export GEOFLEET_TELTONIKA_PORT=$TELTONIKA_PORT GEOFLEET_GT06_PORT=15024 GEOFLEET_OSMAND_PORT=15056 GEOFLEET_RUPTELA_PORT=15047
export GEOFLEET_JWT_SECRET=bench-api-secret-0123456789abcdefghijklmnop
export GEOFLEET_RATE_LIMIT_FLEET_WRITES_PER_HOUR=0 GEOFLEET_RATE_LIMIT_API_PER_MINUTE=0
# Every simulated device connects from 127.0.0.1: lift the per-IP connection cap.
export GEOFLEET_MAX_CONNECTIONS_PER_IP=1000000
unset GEOFLEET_DATABASE_URL GEOFLEET_AUTO_REGISTER

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

lua=$work/tokens.lua
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
"$bin/geofleet-bench" simulate --host 127.0.0.1 --port "$TELTONIKA_PORT" --devices "$SIM_DEVICES" --imei-base "$IMEI_BASE" \
    --rate "$RATE" --duration $((3 * DURATION + 20)) --records-per-packet 10 >"$work/simulate.out" 2>&1 &
sim_pid=$!
helper_pids+=("$sim_pid")
sleep 8

results=$work/results
: > "$results"
# One wrk run per target; appends "PHASE TARGET requests/s=… p50=… p99=… non2xx=…" to $results and
# the two ratios to /healthz.
run_phase() {
    local phase=$1 target rps p99 p50 non2xx
    for target in "/api/map/gps" "/api/fleet/nearby" "/healthz"; do
        echo "== [$phase] wrk $target"
        if [[ -n ${PERF_TARGET:-} && $PERF_TARGET == "$target" && $phase == "RATE=$RATE" ]]; then
            perf record -F 499 -g -o "${PERF_OUT:-perf.data}" -p "$daemon_pid" -- sleep $((DURATION - 5)) >"$work/perf.out" 2>&1 &
        fi
        wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$lua" "http://127.0.0.1:$HTTP_PORT$target" | tee "$work/wrk.out"
        rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
        p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.out")
        p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.out")
        non2xx=$(awk '/Non-2xx/ {print $5}' "$work/wrk.out")
        echo "$phase $target requests/s=$rps p50=$p50 p99=$p99 non2xx=${non2xx:-0}" >> "$results"
    done
    awk -v phase="$phase" '$1 == phase { split($3, a, "="); rps[$2] = a[2] }
        END { h = rps["/healthz"]; if (h > 0) printf "%s nearby/healthz=%.2f map/healthz=%.2f\n", phase, rps["/api/fleet/nearby"] / h, rps["/api/map/gps"] / h }' \
        "$results" >> "$results"
}
run_phase "RATE=$RATE"
wait "$sim_pid" || true
forget_helper "$sim_pid"
acked=$(sed -n 's/^acknowledged_positions_per_second: //p' "$work/simulate.out" | tail -1)
load_live=$(cut -d' ' -f1-3 /proc/loadavg)
if [[ $IDLE == 1 ]]; then
    echo "== no ingest"
    sleep 5
    run_phase "RATE=0"
fi
echo
echo "=== API under load: VEHICLES=$VEHICLES USERS=$USERS RATE=$RATE SIM_DEVICES=$SIM_DEVICES DURATION=$DURATION CONNECTIONS=$CONNECTIONS ==="
cat "$results"
echo "live ingest while wrk ran: ${acked:-?} acknowledged positions/s (offered $RATE)"
echo "load average after the live phase: $load_live; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
