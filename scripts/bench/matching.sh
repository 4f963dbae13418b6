#!/usr/bin/env bash
# Matching benchmark: 100,000 vehicles and 20,000 open loads on the generated country-sized road
# network; match/cargo p50/p99 with road ETAs for the top 50 candidates, match/fleet for a 200-truck fleet,
# cost-analysis (best truck, both legs with their composition, itemised costs; cold and cached), and
# anchors measured in the same run on the same points: OSRM CH tables of the same 50 vehicles to the
# pickup and OSRM routes of each analysis's two legs (osrm-bindings), GeoFleet's bare road matrix, and
# the straight-line nearest search.
#
#   scripts/bench/matching.sh
#
#   MATCH_BENCH_VEHICLES (100000)  MATCH_BENCH_CARGO (20000)  MATCH_BENCH_FLEET (200)  MATCH_BENCH_QUERIES (2000)
#   SKIP_BUILD=1   use the existing release binaries in $SCRATCH (default .build-release)
#
# Needs the generated network and its OSRM files from scripts/bench/routing.sh (run first with
# ROUTING_BENCH_EXTRACTS=generated when .geofleet/bench-routing/generated/ is missing).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
generated=$root/.geofleet/bench-routing/generated
out=$root/.geofleet/bench-matching
mkdir -p "$out"

if [[ ! -f $generated/pairs.json || ! -f $generated/generated.osrm.hsgr ]]; then
    step "generated network and OSRM files (scripts/bench/routing.sh)"
    ROUTING_BENCH_EXTRACTS=generated scripts/bench/routing.sh
fi
[[ -n "${SKIP_BUILD:-}" ]] || step "release build"
build_products geofleet geofleet-bench
data=$out/data
if [[ ! -f $data/routing/generated/articulated.graph ]]; then
    step "articulated graph"
    "$bin/geofleet" routing build "$root/.geofleet/bench-routing/generated.osm.pbf" --profiles articulated --data-dir "$data"
fi
step "geofleet-bench match"
"$bin/geofleet-bench" match --graphs "$root/.geofleet/bench-routing/generated.osm.pbf" --data-dir "$data" --points "$generated/pairs.json" \
    --vehicles "${MATCH_BENCH_VEHICLES:-100000}" --cargo "${MATCH_BENCH_CARGO:-20000}" --fleet "${MATCH_BENCH_FLEET:-200}" \
    --queries "${MATCH_BENCH_QUERIES:-2000}" --out "$out/geofleet.json" --anchor-points "$out/anchor.json" \
    --cost-anchor-points "$out/cost-anchor.json"
step "OSRM anchor"
bash scripts/install-osrm.sh --print-bin >/dev/null
"${GEOFLEET_OSRM_VENV:-$root/.venv-osrm}/bin/python" Benchmarks/Matching/osrm_table_anchor.py \
    --osrm "$generated/generated.osrm" --queries "$out/anchor.json" --out "$out/osrm.json"
"${GEOFLEET_OSRM_VENV:-$root/.venv-osrm}/bin/python" Benchmarks/Matching/osrm_route_anchor.py \
    --osrm "$generated/generated.osrm" --queries "$out/cost-anchor.json" --out "$out/osrm-route.json"
step "summary"
python3 "$bench_lib_dir/matching_summary.py" "$out/geofleet.json" "$out/osrm.json" "$out/osrm-route.json"
