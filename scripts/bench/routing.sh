#!/usr/bin/env bash
# Routing benchmark: GeoFleet's contraction-hierarchy router side by side with OSRM CH (car.lua), on the
# fixture extracts and on a generated country-sized network.
#
#   scripts/bench/routing.sh
#   ROUTING_BENCH_EXTRACTS=andorra,monaco scripts/bench/routing.sh
#
#   ROUTING_BENCH_EXTRACTS   comma list from andorra, liechtenstein, monaco, generated (default: all four);
#                            any other NAME is read from fixtures/osm/NAME.osm.pbf
#   ROUTING_BENCH_VERTICES   vertices of the generated network (default 1200000)
#   ROUTING_BENCH_SEED       generator seed (default 1)
#   ROUTING_BENCH_PIN_CPU    CPU for the query thread of both engines (default 1; empty = no pinning)
#   ROUTING_BENCH_OSRM_ONLY  1 = skip everything GeoFleet (no swift build); compare.py shows OSRM only
#   ROUTING_BENCH_REUSE_OSRM 1 = reuse an earlier OSRM build and pairs.json in the work dir
#   SKIP_BUILD=1             use the existing release binaries; SCRATCH (default .build-release) is their scratch path
#   OSRM_PYTHON              a Python with osrm-bindings (default: the venv of scripts/install-osrm.sh)
#
# Per extract, in .geofleet/bench-routing/<extract>/:
#   1. Benchmarks/Routing/osrm_bench.py: osrm-extract + osrm-contract (timed), pairs.json (10,000 seeded OD pairs
#      and 1,000 matrix points, snapped by OSRM), osrm.json (routes, tables, memory).
#   2. /usr/bin/time -v geofleet routing build FILE --profiles car --data-dir DIR: wall seconds and peak RSS.
#   3. geofleet-bench routing --data-dir DIR --profile car --pairs pairs.json --out geofleet.json, then
#      buildSeconds {"total"} and buildPeakRSSMB from step 2 are merged into geofleet.json.
#   4. Benchmarks/Routing/compare.py: Markdown table (summary.md) and JSON (summary.json).
# The generated network is written once to .geofleet/bench-routing/generated.osm.pbf and reused while
# ROUTING_BENCH_VERTICES, ROUTING_BENCH_SEED and the generator are unchanged.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
bench=$root/Benchmarks/Routing
out=$root/.geofleet/bench-routing
extracts=${ROUTING_BENCH_EXTRACTS:-andorra,liechtenstein,monaco,generated}
vertices=${ROUTING_BENCH_VERTICES:-1200000}
seed=${ROUTING_BENCH_SEED:-1}
pin_cpu=${ROUTING_BENCH_PIN_CPU-1}
osrm_only=${ROUTING_BENCH_OSRM_ONLY:-0}
mkdir -p "$out"

die() { echo "bench/routing.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------- tools
step "tools"
if ! command -v osmium >/dev/null 2>&1; then
    echo "installing osmium-tool"
    sudo_cmd=(); [[ $(id -u) == 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get install -y osmium-tool >/dev/null 2>&1 \
        || { "${sudo_cmd[@]}" apt-get update >/dev/null && "${sudo_cmd[@]}" apt-get install -y osmium-tool >/dev/null; } \
        || die "cannot install osmium-tool"
fi
echo "osmium: $(osmium --version | head -1)"

if [[ -n "${OSRM_PYTHON:-}" ]]; then
    osrm_python=$OSRM_PYTHON
else
    bash scripts/install-osrm.sh --print-bin >/dev/null || die "scripts/install-osrm.sh failed"
    osrm_python=${GEOFLEET_OSRM_VENV:-$root/.venv-osrm}/bin/python
fi
"$osrm_python" -c 'import osrm' 2>/dev/null || die "$osrm_python cannot import osrm"
echo "OSRM: $("$osrm_python" -c 'from importlib.metadata import version; print("osrm-bindings", version("osrm-bindings"))') ($osrm_python)"

geofleet=
if [[ $osrm_only != 1 ]]; then
    [[ -n "${SKIP_BUILD:-}" ]] || step "swift build -c $config --product geofleet, geofleet-bench (scratch $SCRATCH)"
    build_products geofleet geofleet-bench
    geofleet=$bin/geofleet
fi

pin=()
if [[ -n $pin_cpu ]] && command -v taskset >/dev/null 2>&1; then pin=(taskset -c "$pin_cpu"); fi

# ---------------------------------------------------------------- generated network
generated_pbf=$out/generated.osm.pbf
ensure_generated() {
    local stamp
    stamp="vertices=$vertices seed=$seed generator=$(sha256sum "$bench/generate_network.py" | cut -c1-16)"
    if [[ -s $generated_pbf && "$(cat "$generated_pbf.params" 2>/dev/null)" == "$stamp" ]]; then
        echo "reusing $generated_pbf ($stamp)"
        return
    fi
    step "generating a $vertices-vertex network (seed $seed)"
    rm -f "$generated_pbf.params"
    python3 "$bench/generate_network.py" --vertices "$vertices" --seed "$seed" --out "$generated_pbf"
    echo "$stamp" >"$generated_pbf.params"
}

# ---------------------------------------------------------------- per extract
# time -v prints "Maximum resident set size (kbytes): N".
peak_rss_kb() {
    awk '/Maximum resident set size/ { print $NF }' "$1"
}

ok=()
failed=()
dirs=()
IFS=',' read -r -a names <<<"$extracts"
for name in "${names[@]}"; do
    name=${name// /}
    [[ -n $name ]] || continue
    if [[ $name == generated ]]; then
        ensure_generated
        pbf=$generated_pbf
    else
        pbf=$root/fixtures/osm/$name.osm.pbf
        [[ -s $pbf ]] || { echo "bench/routing.sh: $pbf is missing; skipped" >&2; failed+=("$name (no extract)"); continue; }
    fi
    wd=$out/$name
    mkdir -p "$wd"
    rm -f "$wd/geofleet.json" "$wd/summary.md" "$wd/summary.json"

    step "$name: OSRM (extract, contract, routes, tables)"
    reuse=()
    [[ ${ROUTING_BENCH_REUSE_OSRM:-0} == 1 ]] && reuse=(--reuse-build --reuse-pairs)
    cpu_arg=()
    [[ -n $pin_cpu ]] && cpu_arg=(--cpu "$pin_cpu")
    if ! "$osrm_python" "$bench/osrm_bench.py" "$pbf" --name "$name" --work-dir "$wd" "${cpu_arg[@]}" "${reuse[@]}"; then
        failed+=("$name (osrm_bench.py)")
        continue
    fi
    dirs+=("$wd")

    if [[ -n $geofleet ]]; then
        step "$name: geofleet routing build"
        data=$wd/geofleet-data
        rm -rf "$data"
        t0=$(date +%s.%N)
        if ! /usr/bin/time -v -o "$wd/geofleet-build.time" "$geofleet" routing build "$pbf" --profiles car --data-dir "$data" \
            >"$wd/geofleet-build.log" 2>&1; then
            tail -20 "$wd/geofleet-build.log" >&2
            failed+=("$name (geofleet routing build)")
        else
            t1=$(date +%s.%N)
            tail -5 "$wd/geofleet-build.log"
            # Wall seconds from the clock around the run (time -v rounds to 10 ms); peak RSS from time -v.
            build_s=$(elapsed_seconds "$t0" "$t1")
            build_kb=$(peak_rss_kb "$wd/geofleet-build.time")
            echo "build: ${build_s} s wall, peak RSS $((build_kb / 1024)) MiB"

            step "$name: geofleet-bench routing"
            if ! "${pin[@]}" "$bin/geofleet-bench" routing --graphs "$pbf" --data-dir "$data" --profile car --pairs "$wd/pairs.json" \
                --out "$wd/geofleet.json" 2>&1 | tee "$wd/geofleet-bench.log"; then
                failed+=("$name (geofleet-bench routing)")
            elif [[ ! -s $wd/geofleet.json ]]; then
                failed+=("$name (no geofleet.json)")
            else
                python3 "$bench_lib_dir/routing_merge_build.py" "$wd/geofleet.json" "$build_s" "$build_kb"
            fi
        fi
    fi

    step "$name: comparison"
    python3 "$bench/compare.py" "$wd" --json "$wd/summary.json" | tee "$wd/summary.md"
    ok+=("$name")
done

# ---------------------------------------------------------------- summary
step "summary"
if ((${#dirs[@]})); then
    python3 "$bench/compare.py" "${dirs[@]}" --json "$out/summary.json" >"$out/summary.md"
    cat "$out/summary.md"
    python3 "$bench_lib_dir/routing_summary.py" "$out/summary.json"
    echo "Markdown: $out/summary.md, JSON: $out/summary.json"
fi
echo "done in $(($(date +%s) - bench_started)) s: ${#ok[@]} extract(s) compared${failed:+; failures:}"
for f in "${failed[@]}"; do echo "  - $f"; done
((${#failed[@]} == 0))
