# shellcheck shell=bash
# Sourced by the benchmark scripts in scripts/bench/: the repository root as working directory, one work
# dir and one exit trap that stops whatever a benchmark started (geofleetd and its embedded cluster, a
# private PostgreSQL cluster, background helpers) and removes the work dir (KEEP_DATA=1 keeps it),
# release builds in their own scratch path, and progress lines.
#
#   SKIP_BUILD=1    use the binaries already built
#   SCRATCH=<dir>   scratch path of the builds (default .build-release)
#   CONFIG=debug    a debug build instead of a release one

set -euo pipefail
bench_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bench_lib_dir/../.." && pwd)
cd "$root"
# shellcheck source-path=SCRIPTDIR source=../lib/daemon.sh
. "$root/scripts/lib/daemon.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/services.sh
. "$root/scripts/lib/services.sh"

SCRATCH=${SCRATCH:-.build-release}
config=${CONFIG:-release}
bench_started=$(date +%s)

work=""
daemon_pid=""
cluster_dir=""
helper_pids=()

bench_cleanup() {
    local pid
    for pid in "${helper_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    stop_daemon_process "$daemon_pid"
    if [[ -n $work ]]; then stop_embedded_cluster "$work/data"; fi
    if [[ -n $cluster_dir ]]; then stop_pg_cluster "$cluster_dir/data"; fi
    if [[ -z $work ]]; then return 0; fi
    if [[ -n "${KEEP_DATA:-}" ]]; then echo "data kept in $work"; else rm -rf "$work"; fi
}
trap bench_cleanup EXIT

# Creates the work dir `work` (geofleet-NAME.XXXXXX under the temp dir), readable by the postgres user
# that a cluster started as root runs as.
make_work_dir() {
    work=$(mktemp -d -t "geofleet-$1.XXXXXX")
    chmod 0755 "$work"
}

# `helper_pids` are killed on exit; `forget_helper PID` after stopping one by hand.
forget_helper() {
    local kept=() pid
    for pid in "${helper_pids[@]}"; do [[ $pid == "$1" ]] || kept+=("$pid"); done
    helper_pids=("${kept[@]}")
}

# Builds the products named in $config mode (unless SKIP_BUILD is set); sets `bin` to their directory.
build_products() {
    local product
    if [[ -z "${SKIP_BUILD:-}" ]]; then
        for product in "$@"; do
            swift build -c "$config" --scratch-path "$SCRATCH" --product "$product"
        done
    fi
    bin=$(swift build -c "$config" --scratch-path "$SCRATCH" --show-bin-path)
    for product in "$@"; do
        [[ -x $bin/$product ]] || { echo "$bin/$product is missing (build it, or unset SKIP_BUILD)" >&2; exit 1; }
    done
}

# A PostgreSQL cluster of our own in $work/data, on a unix socket in $work only; the arguments are more
# server settings (`-c name=value`). Stopped on exit.
start_private_cluster() {
    [[ $(id -u) -ne 0 ]] || chown postgres "$work"
    start_pg_cluster "$work/data" "$work" "$work/log" "$@"
    cluster_dir=$work
}

# geofleetd from `bin` with the exported GEOFLEET_* environment, its output appended to $work/geofleetd.log;
# waits for /healthz on GEOFLEET_HTTP_PORT and exits with the log's tail when the daemon does not come up.
start_daemon() {
    "$bin/geofleetd" >>"$work/geofleetd.log" 2>&1 &
    daemon_pid=$!
    local status=0
    wait_for_health "$daemon_pid" "http://127.0.0.1:$GEOFLEET_HTTP_PORT/healthz" || status=$?
    if [[ $status -ne 0 ]]; then
        [[ $status -eq 1 ]] && echo "geofleetd exited:" >&2 || echo "geofleetd not healthy after 120 s" >&2
        tail -50 "$work/geofleetd.log" >&2
        exit 1
    fi
}

# SIGTERM to the daemon; returns once it has stopped (it stops its embedded cluster itself).
stop_daemon() {
    stop_daemon_process "$daemon_pid"
    daemon_pid=""
}

# Seconds from `start` to `end` (both `date +%s.%N`), to the millisecond.
elapsed_seconds() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", b - a }'
}

# A progress line with the UTC time and the seconds since the benchmark started.
step() {
    printf '\n== [%s, +%ss] %s\n' "$(date -u +%H:%M:%S)" "$(($(date +%s) - bench_started))" "$*"
}

# A benchmark's own cluster from scripts/cluster.sh (call after make_work_dir): under the work dir, node i
# on $1+100*i+{80 API, 27 Teltonika, …}, HAProxy on $1+990…994; taken down on exit before the rest of
# the cleanup (its processes are not this script's children). `cluster …` runs scripts/cluster.sh.
cluster() { "$root/scripts/cluster.sh" "$@"; }
use_bench_cluster() {
    local base=$1
    export GEOFLEET_CLUSTER_DIR=$work/cluster GEOFLEET_CLUSTER_NODE_PORT_BASE=$base
    export GEOFLEET_CLUSTER_API_PORT=$((base + 990)) GEOFLEET_CLUSTER_TELTONIKA_PORT=$((base + 991)) \
        GEOFLEET_CLUSTER_GT06_PORT=$((base + 992)) GEOFLEET_CLUSTER_OSMAND_PORT=$((base + 993)) \
        GEOFLEET_CLUSTER_RUPTELA_PORT=$((base + 994))
    trap 'cluster down >/dev/null 2>&1 || true; bench_cleanup' EXIT
}
