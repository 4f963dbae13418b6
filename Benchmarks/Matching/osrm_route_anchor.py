#!/usr/bin/env python3
"""OSRM anchor for the cost-analysis benchmark: the route calls a cost analysis replaces.

    osrm_route_anchor.py --osrm WORK/generated.osrm --queries cost-anchor.json --out osrm-route.json

cost-anchor.json (written by `geofleet-bench match --cost-anchor-points`) holds, per timed cost analysis,
the chosen truck's position, the pickup and the delivery. Each becomes two OSRM CH `Route` requests timed
together in this process (osrm-bindings, one pinned CPU): the empty run (no overview) and the loaded leg
with steps, whose intersections carry the `toll`/`motorway` classes a cost analysis needs. OSRM's profile
is car.lua (GeoFleet's run uses its 40 t articulated profile), and it does no costing: this is the floor
of what calling OSRM for the same answer would cost.
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
    for q in queries[:50]:  # warm-up
        run(engine, q)
    times = []
    for q in queries:
        t0 = time.perf_counter()
        run(engine, q)
        times.append((time.perf_counter() - t0) * 1000)
    stats = percentiles(times)
    json.dump({"routeMs": stats}, open(out, "w"), indent=2)
    print(f"osrm route (empty run) + route with steps (loaded leg): p50 {stats['p50']:.3f} ms p99 {stats['p99']:.3f} ms "
          f"over {stats['count']} analyses")


def run(engine, q):
    import osrm
    (vlat, vlon), (plat, plon), (dlat, dlon) = q["vehicle"], q["pickup"], q["delivery"]
    empty = osrm.RouteParameters(coordinates=[(vlon, vlat), (plon, plat)], overview="false", generate_hints=False)
    engine.Route(empty)
    loaded = osrm.RouteParameters(coordinates=[(plon, plat), (dlon, dlat)], overview="false", steps=True, generate_hints=False)
    return engine.Route(loaded)


if __name__ == "__main__":
    main()
