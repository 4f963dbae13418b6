"""What the OSRM anchors of the matching benchmark share: the command line, the pinned engine, percentiles."""
import argparse
import json
import os


def engine_and_queries(description):
    """Parses --osrm, --queries, --out, --cpu; pins this process to the CPU; returns (engine, queries, out path)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--osrm", required=True, help="the .osrm base path of the extract (CH)")
    ap.add_argument("--queries", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cpu", type=int, default=1)
    args = ap.parse_args()
    import osrm

    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {args.cpu if args.cpu in cpus else min(cpus)})
    engine = osrm.OSRM(storage_config=args.osrm, algorithm="CH", use_shared_memory=False)
    return engine, json.load(open(args.queries)), args.out


def percentiles(times):
    """p50, p90, p99, max and count of a list of milliseconds."""
    times = sorted(times)

    def p(q):
        return times[min(len(times) - 1, int(len(times) * q))]

    return {"p50": p(0.5), "p90": p(0.9), "p99": p(0.99), "max": times[-1], "count": len(times)}
