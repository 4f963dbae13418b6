#!/usr/bin/env bash
# Runs the in-process benchmarks of Benchmarks/GeoFleetBenchmarks (release build, own scratch path)
# against a private redis-server, then prints ordo-one's tables and a summary with hot index ÷ Redis ratios.
#   scripts/bench/micro.sh [extra `swift package benchmark` arguments, e.g. --filter 'HotIndex.*']
# The first build takes 6+ minutes on 2 cores. Needs /usr/bin/redis-server (apt: redis-server).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
make_work_dir bench
port=$(free_ports 1)
"$REDIS_SERVER" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
    --daemonize no --loglevel warning --logfile "$work/redis.log" &
helper_pids+=("$!")

for _ in $(seq 100); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
done
redis-cli -p "$port" ping >/dev/null

export GEOFLEET_BENCH_REDIS_PORT=$port
export GEOFLEET_BENCH_RESULTS=$work/results.tsv
: > "$GEOFLEET_BENCH_RESULTS"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -sr), redis $("$REDIS_SERVER" --version | awk '{print $3}')"
echo "# ENABLE_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark $*"
ENABLE_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark "$@"

echo
echo "## Summary (operations per second over all measured iterations)"
python3 "$bench_lib_dir/micro_summary.py" "$GEOFLEET_BENCH_RESULTS"
