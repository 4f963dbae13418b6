#!/usr/bin/env bash
# POST /api/routes/estimate over HTTP: geofleetd routes the Andorra fixture (GEOFLEET_OSM, car), wrk asks
# for estimates between points jittered around Andorra's towns (few repeat, so the route cache rarely
# answers), first one request at a time (p50 of the HTTP path), then with CONNECTIONS connections, then
# /healthz with the same connections for the ratio. No ingest.
#
#   DURATION=20 CONNECTIONS=32 scripts/bench/api-estimate.sh
#
#   PERF_OUT=perf.data   `perf record -g` on geofleetd during the loaded estimate run
# Release binaries from .build-release (SKIP_BUILD=1 reuses them), as scripts/bench/api.sh.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-32}
HTTP_PORT=${HTTP_PORT:-18082}

command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
build_products geofleetd geofleet
make_work_dir api-estimate
export GEOFLEET_DATA_DIR=$work/data GEOFLEET_BIND=127.0.0.1 GEOFLEET_HTTP_PORT=$HTTP_PORT
export GEOFLEET_TELTONIKA_PORT=15128 GEOFLEET_GT06_PORT=15124 GEOFLEET_OSMAND_PORT=15156 GEOFLEET_RUPTELA_PORT=15147
export GEOFLEET_JWT_SECRET=bench-api-secret-0123456789abcdefghijklmnop
export GEOFLEET_RATE_LIMIT_FLEET_WRITES_PER_HOUR=0 GEOFLEET_RATE_LIMIT_API_PER_MINUTE=0 GEOFLEET_RATE_LIMIT_ROUTING_PER_MINUTE=0
export GEOFLEET_OSM=$root/fixtures/osm/andorra.osm.pbf GEOFLEET_ROUTING_PROFILES=car GEOFLEET_ROUTING_DEFAULT_PROFILE=car
unset GEOFLEET_DATABASE_URL GEOFLEET_REDIS_URL

echo "== geofleetd with the Andorra graph"
start_daemon
lua=$work/estimate.lua
{
    echo "tokens = {"
    for u in $(seq 0 49); do echo "  \"$("$bin/geofleet" token --sub "bench_user_$u" --plan pro --ttl 7200 | tail -1)\","; done
    echo "}"
    cat <<'LUA'
towns = { {42.5063, 1.5218}, {42.5092, 1.5388}, {42.5353, 1.5803}, {42.5670, 1.5977}, {42.5450, 1.5148},
          {42.5559, 1.5332}, {42.4637, 1.4913}, {42.5427, 1.7335}, {42.5767, 1.6677}, {42.5720, 1.4847} }
math.randomseed(os.time())
local function point()
  local t = towns[math.random(#towns)]
  return string.format('{"lat":%.5f,"long":%.5f}', t[1] + (math.random() - 0.5) * 0.004, t[2] + (math.random() - 0.5) * 0.004)
end
request = function()
  local headers = { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)], ["Content-Type"] = "application/json" }
  if string.find(wrk.path, "estimate") then
    return wrk.format("POST", wrk.path, headers, '{"from":' .. point() .. ',"to":' .. point() .. '}')
  end
  return wrk.format("GET", wrk.path, headers)
end
LUA
} > "$lua"

results=$work/results
: > "$results"
# wrk with $2 connections on one thread (one connection: one request at a time) against $1.
run() {
    local target=$1 connections=$2 threads=2
    [[ $connections -eq 1 ]] && threads=1
    echo "== wrk -c$connections $target"
    if [[ -n ${PERF_OUT:-} && $connections -gt 1 && $target == *estimate* ]]; then
        perf record -F 499 -g -o "$PERF_OUT" -p "$daemon_pid" -- sleep $((DURATION - 5)) >"$work/perf.out" 2>&1 &
    fi
    wrk -t"$threads" -c"$connections" -d"${DURATION}s" --latency -s "$lua" "http://127.0.0.1:$HTTP_PORT$target" | tee "$work/wrk.out"
    echo "$target c=$connections requests/s=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")" \
        "p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.out") p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.out")" \
        "non2xx=$(awk '/Non-2xx/ {print $5}' "$work/wrk.out")" >> "$results"
}
run /api/routes/estimate 1
run /api/routes/estimate "$CONNECTIONS"
run /healthz "$CONNECTIONS"
echo
echo "=== /api/routes/estimate over HTTP (Andorra, car): DURATION=$DURATION CONNECTIONS=$CONNECTIONS ==="
cat "$results"
echo "estimates by source (heuristic = no road answer):"; curl -fsS "http://127.0.0.1:$HTTP_PORT/metrics" | grep "^geofleet_route_requests_total" || true
