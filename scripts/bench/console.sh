#!/usr/bin/env bash
# The console's benchmark (BENCHMARKS.md, "Console: tiles and time to first vehicle"): a private geofleetd on the
# generated country network (Benchmarks/Routing/generate_network.py, car graph only), tile latency p50/p99 at zoom
# 8, 12 and 16 cold and cached over HTTP, then 10,000 auto-registered OsmAnd vehicles and the page's time to first
# vehicle in headless chromium (scripts/console/console_bench.py). Output under .geofleet/bench-console/.
#
#   CONSOLE_BENCH_VERTICES=<n>   vertices of the generated network (default 1200000, as bench/routing.sh)
#   CONSOLE_BENCH_VEHICLES=<n>   live vehicles for the page (default 10000)
#   GEOFLEET_BIN=<dir>           built geofleetd and geofleet (else: swift build, debug)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
tool=console-bench
secret=console-bench-secret-0123456789abcdef-0123456
vertices=${CONSOLE_BENCH_VERTICES:-1200000}
vehicles=${CONSOLE_BENCH_VEHICLES:-10000}
out=$root/.geofleet/bench-console
mkdir -p "$out"
# shellcheck source-path=SCRIPTDIR source=../lib/private-daemon.sh
. "$root/scripts/lib/private-daemon.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/python-venv.sh
. "$root/scripts/lib/python-venv.sh"
ensure_venv "${GEOFLEET_CONSOLE_VENV:-$root/.venv-console}" "$root/scripts/requirements-console.txt"
venv=${GEOFLEET_CONSOLE_VENV:-$root/.venv-console}
resolve_binaries

pbf=$out/generated-$vertices.osm.pbf
if [ ! -s "$pbf" ]; then
    echo "console-bench: generating a $vertices-vertex network"
    python3 "$root/Benchmarks/Routing/generate_network.py" --vertices "$vertices" --seed 1 --out "$pbf.tmp.osm.pbf" >"$work/generate.log" \
        || fail "generate_network.py failed: $(tail -5 "$work/generate.log")"
    mv "$pbf.tmp.osm.pbf" "$pbf"
fi
# The car graph is built once beside the extract (geofleetd waits for no build then); the daemon's data dir is
# fresh, so no tile is cached and the first fetches are cold.
graphs=$out/graph-$vertices
if [ ! -s "$graphs/routing/generated-$vertices/car.graph" ]; then
    echo "console-bench: building the car graph"
    "$bin/geofleet" routing build "$pbf" --profiles car --data-dir "$graphs" --quiet >"$work/graph.log" 2>&1 \
        || fail "geofleet routing build failed: $(tail -5 "$work/graph.log")"
fi
daemon_extra_env() {
    export GEOFLEET_OSM=$graphs/routing/generated-$vertices GEOFLEET_ROUTING_PROFILES=car GEOFLEET_ROUTING_DEFAULT_PROFILE=car \
        GEOFLEET_AUTO_REGISTER=true GEOFLEET_AUTO_REGISTER_OWNER=console_bench
}
start=$(date +%s)
start_private_daemon
echo "console-bench: geofleetd up with the graph in $(($(date +%s) - start)) s"
token=$(private_token console_bench --plan pro)
SE_OFFLINE=true "$venv/bin/python" "$root/scripts/console/console_bench.py" "$base" "$osmand_port" "$token" "$out" "$vehicles" \
    | tee "$out/summary.md" || fail "the console benchmark failed"
