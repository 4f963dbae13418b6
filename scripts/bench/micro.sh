#!/usr/bin/env bash
# Runs the in-process benchmarks of Benchmarks/GeoFleetBenchmarks (release build, own scratch path)
# against a private redis-server, then prints ordo-one's tables and a summary with hot index ÷ Redis ratios.
#   scripts/bench/micro.sh [extra `swift package benchmark` arguments, e.g. --filter 'HotIndex.*']
# The first build takes 6+ minutes on 2 cores. Needs /usr/bin/redis-server (apt: redis-server).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

make_work_dir bench
port=$(free_ports 1)
redis_pid=""
redis_up=0
start_redis "$work" "$port" && redis_up=1
helper_pids+=("$redis_pid")
[[ $redis_up -eq 1 ]] || { echo "redis-server did not start:" >&2; tail -20 "$work/redis.log" >&2; exit 1; }

export GEOFLEET_BENCH_REDIS_PORT=$port
export GEOFLEET_BENCH_RESULTS=$work/results.tsv
: > "$GEOFLEET_BENCH_RESULTS"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -sr), redis $("$redis_server" --version | awk '{print $3}')"
echo "# ENABLE_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark $*"
ENABLE_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark "$@"

echo
echo "## Summary (operations per second over all measured iterations)"
python3 "$bench_lib_dir/micro_summary.py" "$GEOFLEET_BENCH_RESULTS"
