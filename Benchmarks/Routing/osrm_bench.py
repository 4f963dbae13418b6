#!/usr/bin/env python3
"""OSRM (CH, car.lua) side of the routing benchmark, for one extract. Run it with the OSRM venv's Python:

    .venv-osrm/bin/python Benchmarks/Routing/osrm_bench.py fixtures/osm/monaco.osm.pbf --work-dir .geofleet/bench-routing/monaco

Steps:
  1. osrm-extract -p car.lua -t 1, then osrm-contract -t 1: wall seconds and peak RSS of each child (os.wait4).
  2. Loads the result in this process: osrm.OSRM(algorithm="CH", use_shared_memory=False, use_mmap=False).
  3. Samples --pairs OD pairs and --matrix-points points (seed --seed, default 42). Each point is drawn uniformly
     from the distinct vertices of car-road ways (highway = motorway, trunk, primary, secondary, tertiary,
     unclassified, residential, living_street or a *_link type), read with `osmium tags-filter ... -f opl`
     in a child process so that reading does not count in this process's peak RSS. Then OSRM Nearest snaps
     each point. Both engines route between the snapped coordinates.
  4. Warms up on 200 pairs, then times every route once: overview=false, no hints, skip_waypoints, one
     thread pinned to CPU 1. The time covers the OSRM.Route call (snapping included). Records p50, p99,
     routes/s, the failures, and each pair's distance (m) and duration (s). Also the p50 of 1,000
     zero-length routes (origin = destination): the per-call floor of binding + snapping + response.
  5. Times a 100x100 table (best of 3) and a 1000x1000 table (1 run), with annotations duration+distance.
  6. Reads ru_maxrss (RUSAGE_SELF) before loading, after loading and after the queries.

Writes WORK_DIR/pairs.json {"extract", "pairs": [[lat1, lon1, lat2, lon2], ...], "matrixPoints": [[lat, lon], ...]}
and WORK_DIR/osrm.json (see compare.py for the shape). The OSRM files are WORK_DIR/<name>.osrm.*.
"""
import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CAR_HIGHWAYS = ("motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link", "secondary",
                "secondary_link", "tertiary", "tertiary_link", "unclassified", "residential", "living_street")
WARMUP = 200


def log(msg):
    print(f"[osrm_bench] {msg}", flush=True)


def max_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def percentile(sorted_values, p):
    """Same rule as `geofleet-bench routing`: element at index floor(n * p)."""
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))]


# ---------------------------------------------------------------- build

def run_child(cmd, log_path, cwd):
    """Runs cmd, output to log_path. Returns (wall seconds, peak RSS MiB of that child)."""
    start = time.perf_counter()
    with open(log_path, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        with open(log_path) as f:
            tail = f.read()[-3000:]
        sys.exit(f"{' '.join(map(str, cmd))} failed (exit {proc.returncode}):\n{tail}")
    return wall, usage.ru_maxrss / 1024.0


def build(osrm_dir, pbf_link, work_dir, threads):
    bin_dir, profile = osrm_dir / "bin", osrm_dir / "share" / "profiles" / "car.lua"
    base = pbf_link.with_suffix("").with_suffix("")  # NAME.osm.pbf -> NAME
    for old in work_dir.glob(base.name + ".osrm*"):
        old.unlink()
    log(f"osrm-extract -p car.lua -t {threads} {pbf_link.name}")
    ex_s, ex_rss = run_child([str(bin_dir / "osrm-extract"), "-p", str(profile), "-t", str(threads), str(pbf_link)],
                             work_dir / "osrm-extract.log", work_dir)
    log(f"  {ex_s:.2f} s, peak RSS {ex_rss:.0f} MiB")
    log(f"osrm-contract -t {threads} {base.name}.osrm")
    ct_s, ct_rss = run_child([str(bin_dir / "osrm-contract"), "-t", str(threads), str(base) + ".osrm"],
                             work_dir / "osrm-contract.log", work_dir)
    log(f"  {ct_s:.2f} s, peak RSS {ct_rss:.0f} MiB")
    return {"extract": ex_s, "contract": ct_s}, {"extract": ex_rss, "contract": ct_rss}


# ---------------------------------------------------------------- sampling (child process)

def sample_vertices_main(pbf, count, seed, out_path):
    """Child-process entry: draws count vertices of car-road ways, writes [[lat, lon], ...] plus stats."""
    cmd = ["osmium", "tags-filter", str(pbf), "w/highway=" + ",".join(CAR_HIGHWAYS), "-f", "opl", "-o", "-"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, bufsize=1 << 20)
    coords = {}
    vertices = set()
    ways = 0
    for line in proc.stdout:
        kind = line[0]
        if kind == "n":
            parts = line.split(" ")
            x = y = None
            for tok in parts[1:]:
                if tok[0] == "x":
                    x = tok[1:]
                elif tok[0] == "y":
                    y = tok[1:].rstrip("\n")
            if x and y:
                coords[int(parts[0][1:])] = (float(y), float(x))
        elif kind == "w":
            ways += 1
            tok = line.rstrip("\n").rsplit(" N", 1)[1]
            if tok:
                vertices.update(int(r[1:]) for r in tok.split(","))
    if proc.wait() != 0:
        sys.exit(f"{' '.join(cmd)} failed")
    ids = sorted(v for v in vertices if v in coords)
    rng = random.Random(seed)
    points = [coords[rng.choice(ids)] for _ in range(count)]
    with open(out_path, "w") as f:
        json.dump({"points": points, "vertices": len(ids), "ways": ways}, f)


def sample_points(pbf, count, seed):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        path = tmp.name
    try:
        subprocess.run([sys.executable, os.path.abspath(__file__), "--_sample", str(pbf), str(count), str(seed), path],
                       check=True)
        with open(path) as f:
            return json.load(f)
    finally:
        os.unlink(path)


# ---------------------------------------------------------------- queries

def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--_sample":
        sample_vertices_main(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
        return

    ap = argparse.ArgumentParser(description="OSRM CH side of the routing benchmark for one extract.")
    ap.add_argument("extract", help=".osm.pbf file")
    ap.add_argument("--work-dir", required=True, help="output directory (pairs.json, osrm.json, OSRM files, logs)")
    ap.add_argument("--name", help="extract name (default: the file name without .osm.pbf)")
    ap.add_argument("--pairs", type=int, default=10_000, help="OD pairs (default 10000)")
    ap.add_argument("--matrix-points", type=int, default=1_000, help="matrix points (default 1000; 100x100 uses the first 100)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=1, help="osrm-extract/osrm-contract threads (default 1)")
    ap.add_argument("--cpu", type=int, default=1, help="CPU to pin the query thread to (default 1)")
    ap.add_argument("--mmap", action="store_true", help="let OSRM mmap its files instead of reading them into memory")
    ap.add_argument("--reuse-build", action="store_true",
                    help="skip extract+contract when WORK_DIR already has them (build numbers come from the old osrm.json)")
    ap.add_argument("--reuse-pairs", action="store_true", help="reuse WORK_DIR/pairs.json if present (skips sampling and snapping)")
    args = ap.parse_args()

    import osrm  # the OSRM venv's osrm-bindings

    osrm_dir = Path(osrm.__file__).resolve().parent
    extract = Path(args.extract).resolve()
    name = args.name or extract.name.removesuffix(".pbf").removesuffix(".osm")
    work_dir = Path(args.work_dir).resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    if shutil.which("osmium") is None:
        sys.exit("osmium (Debian package osmium-tool) is not on PATH")

    result = {"extract": name, "engine": "osrm-bindings " + osrm_version(), "algorithm": "CH", "profile": "car.lua",
              "host": platform.node(), "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}

    # 1. Build.
    pbf_link = work_dir / f"{name}.osm.pbf"
    storage = work_dir / f"{name}.osrm"
    old_json = work_dir / "osrm.json"
    if args.reuse_build and (work_dir / f"{name}.osrm.hsgr").exists() and old_json.exists():
        old = json.loads(old_json.read_text())
        build_s, build_rss = old["buildSeconds"], old.get("buildPeakRSSMBBy", {})
        log(f"reusing the OSRM build in {work_dir} ({build_s})")
    else:
        if pbf_link.is_symlink() or pbf_link.exists():
            if pbf_link.resolve() != extract:
                pbf_link.unlink()
        if not pbf_link.exists():
            pbf_link.symlink_to(extract)
        build_s, build_rss = build(osrm_dir, pbf_link, work_dir, args.threads)
    result["buildSeconds"] = {"extract": build_s["extract"], "contract": build_s["contract"]}
    result["buildPeakRSSMB"] = max(build_rss.values()) if build_rss else None
    result["buildPeakRSSMBBy"] = build_rss

    # 2. Pin, load.
    cpus = os.sched_getaffinity(0)
    cpu = args.cpu if args.cpu in cpus else min(cpus)
    os.sched_setaffinity(0, {cpu})
    rss_before = max_rss_mib()
    t0 = time.perf_counter()
    engine = osrm.OSRM(storage_config=str(storage), algorithm="CH", use_shared_memory=False, use_mmap=args.mmap,
                       max_locations_distance_table=max(1000, args.matrix_points))
    load_s = time.perf_counter() - t0
    rss_load = max_rss_mib()
    log(f"loaded {storage.name} in {load_s:.2f} s (CPU {cpu}); ru_maxrss {rss_before:.0f} -> {rss_load:.0f} MiB")

    # 3. Pairs and matrix points.
    pairs_path = work_dir / "pairs.json"
    if args.reuse_pairs and pairs_path.exists():
        pf = json.loads(pairs_path.read_text())
        pairs, matrix = pf["pairs"], pf["matrixPoints"]
        log(f"reusing {pairs_path} ({len(pairs)} pairs, {len(matrix)} matrix points)")
        result["sampling"] = pf.get("sampling", {})
    else:
        t0 = time.perf_counter()
        n_points = 2 * args.pairs + args.matrix_points
        sample = sample_points(extract, n_points, args.seed)
        snapped, snap_m, snap_fail = [], [], 0
        for lat, lon in sample["points"]:
            try:
                res = engine.Nearest(osrm.NearestParameters(coordinates=[(lon, lat)], generate_hints=False))
                wp = res["waypoints"][0]
                loc = wp["location"]
                snapped.append([round(float(loc[1]), 6), round(float(loc[0]), 6)])
                snap_m.append(float(wp["distance"]))
            except (RuntimeError, KeyError, IndexError):
                snap_fail += 1
                snapped.append([lat, lon])
        pairs = [snapped[2 * i] + snapped[2 * i + 1] for i in range(args.pairs)]
        matrix = snapped[2 * args.pairs:]
        snap_m.sort()
        result["sampling"] = {"seed": args.seed, "carRoadVertices": sample["vertices"], "carRoadWays": sample["ways"],
                              "snapFailures": snap_fail, "snapP50M": percentile(snap_m, 0.5),
                              "snapMaxM": snap_m[-1] if snap_m else None}
        pairs_path.write_text(json.dumps({"extract": name, "pairs": pairs, "matrixPoints": matrix,
                                          "sampling": result["sampling"]}))
        log(f"sampled {n_points} points over {sample['vertices']:,} car-road vertices, snapped with Nearest "
            f"(p50 {result['sampling']['snapP50M']:.2f} m, {snap_fail} failed) in {time.perf_counter() - t0:.1f} s")

    # 4. Routes.
    def route_params(p):
        rp = osrm.RouteParameters(coordinates=[(p[1], p[0]), (p[3], p[2])], overview="false", generate_hints=False)
        rp.skip_waypoints = True
        return rp

    params = [route_params(p) for p in pairs]
    for rp in params[:WARMUP]:
        try:
            engine.Route(rp)
        except RuntimeError:
            pass
    latencies, distances, durations, failed = [], [], [], 0
    clock = time.perf_counter_ns
    t_all = clock()
    for rp in params:
        t0 = clock()
        try:
            res = engine.Route(rp)
            ok = res["code"] == "Ok"
        except RuntimeError:
            ok = False
        latencies.append((clock() - t0) / 1e6)
        if ok:
            route = res["routes"][0]
            distances.append(float(route["distance"]))
            durations.append(float(route["duration"]))
        else:
            failed += 1
            distances.append(None)
            durations.append(None)
    total_s = (clock() - t_all) / 1e9
    latencies.sort()
    result["routes"] = {"count": len(params), "failed": failed, "p50Ms": percentile(latencies, 0.5),
                        "p99Ms": percentile(latencies, 0.99), "meanMs": sum(latencies) / max(1, len(latencies)),
                        "perSecond": len(params) / total_s if total_s > 0 else 0.0}
    # Per-call floor: the same timing on 1,000 zero-length routes (origin = destination). Python binding,
    # parameter conversion, snapping both points and building the response, with (almost) no search.
    floor = []
    for p in pairs[:1000]:
        rp = route_params([p[0], p[1], p[0], p[1]])
        t0 = clock()
        try:
            engine.Route(rp)
        except RuntimeError:
            pass
        floor.append((clock() - t0) / 1e6)
    floor.sort()
    result["routes"]["floorP50Ms"] = percentile(floor, 0.5)
    log(f"routes: {len(params)} ({failed} failed), p50 {result['routes']['p50Ms']:.3f} ms, "
        f"p99 {result['routes']['p99Ms']:.3f} ms, {result['routes']['perSecond']:.0f} routes/s; "
        f"per-call floor (origin = destination) p50 {result['routes']['floorP50Ms']:.3f} ms")
    result["distances"] = distances
    result["durations"] = durations
    del params
    rss_routes = max_rss_mib()

    # 5. Tables.
    result["matrixMs"], result["matrixUnreachable"] = {}, {}
    for size, runs in ((100, 3), (1000, 1)):
        if size > len(matrix):
            continue
        coords = [(p[1], p[0]) for p in matrix[:size]]
        best, nulls = float("inf"), 0
        for _ in range(runs):
            tp = osrm.TableParameters(coordinates=coords, annotations=["duration", "distance"], generate_hints=False)
            tp.skip_waypoints = True
            t0 = time.perf_counter()
            res = engine.Table(tp)
            best = min(best, (time.perf_counter() - t0) * 1000)
        for row in res["durations"]:
            nulls += sum(1 for v in row if v is None)
        result["matrixMs"][str(size)] = best
        result["matrixUnreachable"][str(size)] = nulls
        log(f"table {size}x{size}: {best:.1f} ms ({nulls} unreachable cells)")

    # 6. Memory.
    # afterQueries is after routes and tables, as in `geofleet-bench routing`; afterRoutes is before the tables
    # (OSRM's 1000x1000 table builds its JSON result as a tree of values, which costs memory of its own).
    result["rssMB"] = {"before": rss_before, "afterLoad": rss_load, "afterRoutes": rss_routes,
                       "afterQueries": max_rss_mib()}
    result["loadSeconds"] = load_s
    result["osrmConfig"] = {"use_mmap": args.mmap, "use_shared_memory": False, "queryCPU": cpu}
    (work_dir / "osrm.json").write_text(json.dumps(result))
    log(f"ru_maxrss: before load {rss_before:.0f} MiB, after load {rss_load:.0f} MiB, after routes {rss_routes:.0f} MiB, "
        f"after tables {result['rssMB']['afterQueries']:.0f} MiB; wrote {work_dir / 'osrm.json'}")


def osrm_version():
    try:
        from importlib.metadata import version
        return version("osrm-bindings")
    except Exception:
        return "?"


if __name__ == "__main__":
    main()
