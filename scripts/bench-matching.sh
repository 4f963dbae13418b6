#!/usr/bin/env bash
# Matching benchmark (issue 6): 100,000 vehicles and 20,000 open loads on the generated country-sized road
# network; match/cargo p50/p99 with road ETAs for the top 50 candidates, match/fleet for a 200-truck fleet,
# and anchors measured in the same run on the same points: OSRM CH tables of the same 50 vehicles to the
# pickup (osrm-bindings), GeoFleet's bare road matrix of them, and the straight-line nearest search.
#
#   scripts/bench-matching.sh
#
#   MATCH_BENCH_VEHICLES (100000)  MATCH_BENCH_CARGO (20000)  MATCH_BENCH_FLEET (200)  MATCH_BENCH_QUERIES (2000)
#   SKIP_BUILD=1   use the existing release binary in $SCRATCH (default .build-release)
#
# Needs the generated network and its OSRM files from scripts/bench-routing.sh (run first with
# ROUTING_BENCH_EXTRACTS=generated when .geofleet/bench-routing/generated/ is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/.geofleet/bench-routing/generated
out=$root/.geofleet/bench-matching
SCRATCH=${SCRATCH:-.build-release}
mkdir -p "$out"
started=$(date +%s)
step() { printf '\n== [%s, +%ss] %s\n' "$(date -u +%H:%M:%S)" "$(($(date +%s) - started))" "$*"; }

if [[ ! -f $work/pairs.json || ! -f $work/generated.osrm.hsgr ]]; then
    step "generated network and OSRM files (scripts/bench-routing.sh)"
    ROUTING_BENCH_EXTRACTS=generated scripts/bench-routing.sh
fi
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    step "release build"
    swift build -c release --product geofleet --scratch-path "$SCRATCH"
fi
geofleet=$SCRATCH/release/geofleet
data=$out/data
if [[ ! -f $data/routing/generated/articulated.graph ]]; then
    step "articulated graph"
    "$geofleet" routing build "$root/.geofleet/bench-routing/generated.osm.pbf" --profiles articulated --data-dir "$data"
fi
step "geofleet match bench"
"$geofleet" match bench --graphs "$root/.geofleet/bench-routing/generated.osm.pbf" --data-dir "$data" --points "$work/pairs.json" \
    --vehicles "${MATCH_BENCH_VEHICLES:-100000}" --cargo "${MATCH_BENCH_CARGO:-20000}" --fleet "${MATCH_BENCH_FLEET:-200}" \
    --queries "${MATCH_BENCH_QUERIES:-2000}" --out "$out/geofleet.json" --anchor-points "$out/anchor.json"
step "OSRM anchor"
bash scripts/install-osrm.sh --print-bin >/dev/null
"${GEOFLEET_OSRM_VENV:-$root/.venv-osrm}/bin/python" Benchmarks/Matching/osrm_table_anchor.py \
    --osrm "$work/generated.osrm" --queries "$out/anchor.json" --out "$out/osrm.json"
step "summary"
python3 - "$out/geofleet.json" "$out/osrm.json" <<'PY'
import json, sys
g, o = (json.load(open(p)) for p in sys.argv[1:3])
c, m, t, f = g["matchCargoMs"], g["bareMatrix50x1Ms"], o["tableMs"], g["matchFleetMs"]
print(f"| | p50 ms | p99 ms |\n|---|---|---|")
print(f"| match/cargo ({g['vehicles']} vehicles, {g['cargo']} loads, {g['roadCandidatesPerQuery']:.1f} road ETAs/query) | {c['p50']:.2f} | {c['p99']:.2f} |")
print(f"| anchor: OSRM CH table 50x1, same points | {t['p50']:.3f} | {t['p99']:.3f} |")
print(f"| anchor: GeoFleet bare matrix 50x1, same points | {m['p50']:.3f} | {m['p99']:.3f} |")
print(f"| match/fleet ({g['fleet']} trucks, {g['fleetSuggestions']} suggestions) | {f['p50']:.1f} | {f['p99']:.1f} |")
print(f"\nmatch/cargo p99 / OSRM table p99 = {c['p99'] / t['p99']:.1f}x; targets: match/cargo p99 <= 20 ms: "
      f"{'met' if c['p99'] <= 20 else 'NOT met'}; match/fleet p99 <= 200 ms: {'met' if f['p99'] <= 200 else 'NOT met'}")
print(f"peak RSS {g['peakRSSMiB']:.0f} MiB")
PY
