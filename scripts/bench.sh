#!/usr/bin/env bash
# Runs the GeoFleet benchmarks (release build, own scratch path) against a private redis-server,
# then prints ordo-one's tables and a summary with hot index ÷ Redis ratios.
#   scripts/bench.sh [extra `swift package benchmark` arguments, e.g. --filter 'HotIndex.*']
# The first build takes 6+ minutes on 2 cores. Needs /usr/bin/redis-server (apt: redis-server).
set -euo pipefail
cd "$(dirname "$0")/.."

REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
workdir=$(mktemp -d -t geofleet-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$REDIS_SERVER" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$workdir" \
    --daemonize no --loglevel warning --logfile "$workdir/redis.log" &
redis_pid=$!
cleanup() {
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
    rm -rf "$workdir"
}
trap cleanup EXIT

for _ in $(seq 100); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
done
redis-cli -p "$port" ping >/dev/null

export GEOFLEET_BENCH_REDIS_PORT=$port
export GEOFLEET_BENCH_RESULTS=$workdir/results.tsv
: > "$GEOFLEET_BENCH_RESULTS"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -sr), redis $("$REDIS_SERVER" --version | awk '{print $3}')"
echo "# ENABLE_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark $*"
ENABLE_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark "$@"

echo
echo "## Summary (operations per second over all measured iterations)"
python3 - "$GEOFLEET_BENCH_RESULTS" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    parts = line.rstrip("\n").split("\t")
    if len(parts) >= 3 and parts[0] == "RESULT":
        rows[parts[1]] = (float(parts[2]), parts[4] if len(parts) > 4 else "")
for name, (ops, extra) in rows.items():
    print(f"{name:22s} {ops:14,.0f} ops/s  {extra}")
for hot, redis, what in [("hot.nearest10", "redis.geosearch10", "nearest-10 within 50 km"),
                         ("hot.update", "redis.geoadd", "updates")]:
    if hot in rows and redis in rows and rows[redis][0] > 0:
        print(f"ratio {what}: hot index / Redis = {rows[hot][0] / rows[redis][0]:.1f}x")
PY
