#!/usr/bin/env python3
"""OSRM anchor for the matching benchmark: the same many-to-one tables as GeoFleet's match/cargo queries.

    osrm_table_anchor.py --osrm WORK/generated.osrm --queries anchor.json --out osrm-anchor.json

anchor.json (written by `geofleet-bench match --anchor-points`) holds, per timed match/cargo query, the
50 straight-line-nearest vehicles and the pickup. Each becomes one OSRM CH `Table` request (sources = the
vehicles, destination = the pickup; durations and distances), timed in this process with osrm-bindings on
one pinned CPU. OSRM's profile is car.lua (GeoFleet's run uses its 40 t articulated profile).
"""
import json
import os
import sys
import time

sys.dont_write_bytecode = True  # nothing to leave beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from osrm_anchor import engine_and_queries, percentiles  # noqa: E402


def main():
    engine, queries, out = engine_and_queries(__doc__)
    times, nulls = [], 0
    for q in queries[:100]:  # warm-up
        run(engine, q)
    for q in queries:
        t0 = time.perf_counter()
        res = run(engine, q)
        times.append((time.perf_counter() - t0) * 1000)
        nulls += sum(1 for row in res["durations"] for v in row if v is None)
    stats = percentiles(times)
    json.dump({"tableMs": stats, "unreachableCells": nulls}, open(out, "w"), indent=2)
    print(f"osrm table {len(queries[0]['sources'])}x1: p50 {stats['p50']:.3f} ms p99 {stats['p99']:.3f} ms over {stats['count']} queries")


def run(engine, q):
    import osrm
    coords = [(lon, lat) for lat, lon in q["sources"]] + [(q["destination"][1], q["destination"][0])]
    tp = osrm.TableParameters(coordinates=coords, sources=list(range(len(coords) - 1)), destinations=[len(coords) - 1],
                              annotations=["duration", "distance"], generate_hints=False)
    tp.skip_waypoints = True
    return engine.Table(tp)


if __name__ == "__main__":
    main()
