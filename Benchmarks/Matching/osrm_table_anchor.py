#!/usr/bin/env python3
"""OSRM anchor for the matching benchmark: the same many-to-one tables as GeoFleet's match/cargo queries.

    osrm_table_anchor.py --osrm WORK/generated.osrm --queries anchor.json --out osrm-anchor.json

anchor.json (written by `geofleet-bench match --anchor-points`) holds, per timed match/cargo query, the
50 straight-line-nearest vehicles and the pickup. Each becomes one OSRM CH `Table` request (sources = the
vehicles, destination = the pickup; durations and distances), timed in this process with osrm-bindings on
one pinned CPU. OSRM's profile is car.lua (GeoFleet's run uses its 40 t articulated profile).
"""
import argparse
import json
import os
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--osrm", required=True, help="the .osrm base path of the extract (CH)")
    ap.add_argument("--queries", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cpu", type=int, default=1)
    args = ap.parse_args()
    import osrm

    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {args.cpu if args.cpu in cpus else min(cpus)})
    engine = osrm.OSRM(storage_config=args.osrm, algorithm="CH", use_shared_memory=False)
    queries = json.load(open(args.queries))
    times, nulls = [], 0
    for q in queries[:100]:  # warm-up
        run(engine, q)
    for q in queries:
        t0 = time.perf_counter()
        res = run(engine, q)
        times.append((time.perf_counter() - t0) * 1000)
        nulls += sum(1 for row in res["durations"] for v in row if v is None)
    times.sort()

    def p(q):
        return times[min(len(times) - 1, int(len(times) * q))]

    result = {"tableMs": {"p50": p(0.5), "p90": p(0.9), "p99": p(0.99), "max": times[-1], "count": len(times)},
              "unreachableCells": nulls}
    json.dump(result, open(args.out, "w"), indent=2)
    print(f"osrm table {len(queries[0]['sources'])}x1: p50 {p(0.5):.3f} ms p99 {p(0.99):.3f} ms over {len(times)} queries")


def run(engine, q):
    import osrm
    coords = [(lon, lat) for lat, lon in q["sources"]] + [(q["destination"][1], q["destination"][0])]
    tp = osrm.TableParameters(coordinates=coords, sources=list(range(len(coords) - 1)), destinations=[len(coords) - 1],
                              annotations=["duration", "distance"], generate_hints=False)
    tp.skip_waypoints = True
    return engine.Table(tp)


if __name__ == "__main__":
    main()
