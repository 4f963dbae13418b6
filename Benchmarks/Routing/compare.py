#!/usr/bin/env python3
"""Side-by-side report: GeoFleet's router against OSRM CH, one Markdown table per extract.

    python3 Benchmarks/Routing/compare.py .geofleet/bench-routing/monaco .geofleet/bench-routing/andorra
    python3 Benchmarks/Routing/compare.py --osrm osrm.json --geofleet geofleet.json [--json summary.json]

Each directory holds osrm.json (from osrm_bench.py) and geofleet.json (from `geofleet-bench routing`, with
buildSeconds filled in by scripts/bench/routing.sh). A missing geofleet.json leaves that column empty.

Both files share this shape (extra keys are ignored):
  buildSeconds   OSRM {"extract": s, "contract": s}; GeoFleet {"total": s}
  buildPeakRSSMB peak RSS of the build process(es), MiB
  routes         {"count", "failed", "p50Ms", "p99Ms", "perSecond"}
  distances      metres per pair of pairs.json, null when unroutable (same order on both sides)
  durations      seconds per pair, null when unroutable
  matrixMs       {"100": ms, "1000": ms}
  rssMB          {"before"?, "afterLoad", "afterQueries"}: ru_maxrss in MiB (growth = value - before)
  nodes/edges/shortcuts (GeoFleet, optional): graph size

Targets: build <= 2x OSRM extract+contract; route p50 and p99 <= OSRM; 100x100 table <= OSRM; at least 95 %
of the pairs both sides route agree on distance within 1 % (relative to OSRM's distance; a pair where
OSRM's distance is 0 agrees if GeoFleet's is under 1 m).
--json writes the same figures as JSON ('-' for stdout). --strict exits 1 when a target is missed.
"""
import argparse
import json
import math
import os
import sys

AGREE_PCT = 1.0
AGREE_SHARE = 0.95
BUILD_RATIO = 2.0


def pct(sorted_values, p):
    """Nearest-rank percentile: element at index floor(n * p) (the rule the two benches use)."""
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))]


def num(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) else None


def ratio(ours, theirs):
    ours, theirs = num(ours), num(theirs)
    if ours is None or theirs is None or theirs == 0:
        return None
    return ours / theirs


def agreement(osrm_d, geo_d):
    both, only_o, only_g, neither, within = 0, 0, 0, 0, 0
    deltas = []
    for o, g in zip(osrm_d, geo_d):
        o, g = num(o), num(g)
        if o is None and g is None:
            neither += 1
        elif g is None:
            only_o += 1
        elif o is None:
            only_g += 1
        else:
            both += 1
            if o > 0:
                d = abs(g - o) / o * 100
            else:
                d = 0.0 if g < 1.0 else math.inf
            deltas.append(d)
            if d <= AGREE_PCT:
                within += 1
    deltas.sort()
    share = within / both if both else None
    return {
        "pairs": min(len(osrm_d), len(geo_d)), "bothRouted": both, "within1Pct": within, "share": share,
        "medianAbsPct": pct(deltas, 0.5), "p95AbsPct": pct(deltas, 0.95), "maxAbsPct": deltas[-1] if deltas else None,
        "onlyOsrm": only_o, "onlyGeofleet": only_g, "neither": neither,
        "pass": share is not None and share >= AGREE_SHARE,
        "lengthMismatch": len(osrm_d) != len(geo_d),
    }


def summarize(name, osrm, geo):
    s = {"extract": name, "geofleet": geo is not None}
    ob = osrm.get("buildSeconds", {})
    osrm_build = (num(ob.get("extract")) or 0.0) + (num(ob.get("contract")) or 0.0) if ob else None
    geo_build = num((geo or {}).get("buildSeconds", {}).get("total")) if geo else None
    r = ratio(geo_build, osrm_build)
    s["build"] = {"osrmSeconds": osrm_build, "osrmExtractSeconds": num(ob.get("extract")),
                  "osrmContractSeconds": num(ob.get("contract")), "geofleetSeconds": geo_build, "ratio": r,
                  "target": f"<= {BUILD_RATIO:g}x", "pass": None if r is None else r <= BUILD_RATIO,
                  "osrmPeakRSSMB": num(osrm.get("buildPeakRSSMB")), "geofleetPeakRSSMB": num((geo or {}).get("buildPeakRSSMB"))}
    oroutes, groutes = osrm.get("routes", {}), (geo or {}).get("routes", {})
    for key, label in (("p50Ms", "routeP50"), ("p99Ms", "routeP99")):
        r = ratio(groutes.get(key), oroutes.get(key))
        s[label] = {"osrmMs": num(oroutes.get(key)), "geofleetMs": num(groutes.get(key)), "ratio": r, "target": "<= 1x",
                    "pass": None if r is None else r <= 1.0}
    s["routes"] = {"osrmCount": oroutes.get("count"), "geofleetCount": groutes.get("count"),
                   "osrmFailed": oroutes.get("failed"), "geofleetFailed": groutes.get("failed"),
                   "osrmPerSecond": num(oroutes.get("perSecond")), "geofleetPerSecond": num(groutes.get("perSecond")),
                   "osrmFloorP50Ms": num(oroutes.get("floorP50Ms"))}
    om, gm = osrm.get("matrixMs", {}), (geo or {}).get("matrixMs", {})
    for size in ("100", "1000"):
        r = ratio(gm.get(size), om.get(size))
        s[f"matrix{size}"] = {"osrmMs": num(om.get(size)), "geofleetMs": num(gm.get(size)), "ratio": r,
                              "target": "<= 1x" if size == "100" else None,
                              "pass": (None if r is None else r <= 1.0) if size == "100" else None}
    mem = {}
    for side, data in (("osrm", osrm), ("geofleet", geo or {})):
        rss = data.get("rssMB", {}) or {}
        before = num(rss.get("before"))
        for key in ("afterLoad", "afterQueries"):
            v = num(rss.get(key))
            mem[f"{side}{key[0].upper()}{key[1:]}MB"] = v
            mem[f"{side}{key[0].upper()}{key[1:]}GrowthMB"] = None if v is None or before is None else v - before
    s["memory"] = mem
    if geo is not None:
        s["agreement"] = agreement(osrm.get("distances", []), geo.get("distances", []))
        s["durationAgreement"] = agreement(osrm.get("durations", []), geo.get("durations", []))
    for key in ("nodes", "edges", "shortcuts"):
        if geo and key in geo:
            s.setdefault("graph", {})[key] = geo[key]
    checks = [s["build"]["pass"], s["routeP50"]["pass"], s["routeP99"]["pass"], s["matrix100"]["pass"]]
    if "agreement" in s:
        checks.append(s["agreement"]["pass"])
    s["allPass"] = None if geo is None or None in checks else all(checks)
    return s


def fmt(v, digits=2, suffix=""):
    if v is None:
        return "—"
    if isinstance(v, float) and math.isinf(v):
        return "∞"
    if isinstance(v, int):
        return f"{v:,}{suffix}"
    if digits == 0:
        return f"{v:,.0f}{suffix}"
    if abs(v) >= 1000:
        return f"{v:,.0f}{suffix}"
    if abs(v) >= 100:
        return f"{v:.1f}{suffix}"
    return f"{v:.{digits}f}{suffix}"


def verdict(p):
    return "" if p is None else ("✅" if p else "❌")


def markdown(s):
    lines = [f"### {s['extract']}", ""]
    if not s["geofleet"]:
        lines += ["(no geofleet.json: OSRM only)", ""]
    lines += ["| metric | OSRM | GeoFleet | GeoFleet ÷ OSRM | target |", "|---|---|---|---|---|"]
    b = s["build"]
    osrm_build = (f"{fmt(b['osrmSeconds'])} s ({fmt(b['osrmExtractSeconds'])} + {fmt(b['osrmContractSeconds'])})"
                  if b["osrmSeconds"] is not None else "—")
    lines.append(f"| build (s; OSRM extract + contract) | {osrm_build} | {fmt(b['geofleetSeconds'])} | "
                 f"{fmt(b['ratio'], 2, '×')} | ≤ 2× {verdict(b['pass'])} |")
    lines.append(f"| build peak RSS (MiB) | {fmt(b['osrmPeakRSSMB'], 0)} | {fmt(b['geofleetPeakRSSMB'], 0)} | "
                 f"{fmt(ratio(b['geofleetPeakRSSMB'], b['osrmPeakRSSMB']), 2, '×')} | |")
    for label, title in (("routeP50", "route p50 (ms)"), ("routeP99", "route p99 (ms)")):
        r = s[label]
        lines.append(f"| {title} | {fmt(r['osrmMs'], 3)} | {fmt(r['geofleetMs'], 3)} | {fmt(r['ratio'], 2, '×')} | "
                     f"≤ 1× {verdict(r['pass'])} |")
    rt = s["routes"]
    if num(s["routes"].get("osrmFloorP50Ms")) is not None:
        lines.append(f"| OSRM per-call floor p50 (ms; origin = destination: binding + snapping + response) | "
                     f"{fmt(s['routes']['osrmFloorP50Ms'], 3)} | | | |")
    lines.append(f"| routes/s (one thread) | {fmt(rt['osrmPerSecond'], 0)} | {fmt(rt['geofleetPerSecond'], 0)} | "
                 f"{fmt(ratio(rt['geofleetPerSecond'], rt['osrmPerSecond']), 2, '×')} | |")
    lines.append(f"| failed routes | {fmt(rt['osrmFailed'])} of {fmt(rt['osrmCount'])} | "
                 f"{fmt(rt['geofleetFailed'])} of {fmt(rt['geofleetCount'])} | | |")
    for size in ("100", "1000"):
        m = s[f"matrix{size}"]
        target = f"≤ 1× {verdict(m['pass'])}" if m["target"] else ""
        lines.append(f"| table {size}×{size} (ms) | {fmt(m['osrmMs'], 1)} | {fmt(m['geofleetMs'], 1)} | "
                     f"{fmt(m['ratio'], 2, '×')} | {target} |")
    mem = s["memory"]
    for key, title in (("AfterLoad", "RSS after load (MiB; growth)"), ("AfterQueries", "RSS after queries (MiB; growth)")):
        o, og = mem[f"osrm{key}MB"], mem[f"osrm{key}GrowthMB"]
        g, gg = mem[f"geofleet{key}MB"], mem[f"geofleet{key}GrowthMB"]
        lines.append(f"| {title} | {fmt(o, 0)} (+{fmt(og, 0)}) | {fmt(g, 0)} (+{fmt(gg, 0)}) | "
                     f"{fmt(ratio(gg, og), 2, '×')} (growth) | |")
    if "agreement" in s:
        a = s["agreement"]
        lines.append(f"| distance within 1 % (pairs both routed) | | {fmt(a['within1Pct'])} of {fmt(a['bothRouted'])} = "
                     f"{fmt(None if a['share'] is None else 100 * a['share'], 1, ' %')} | | ≥ 95 % {verdict(a['pass'])} |")
        lines.append(f"| distance \\|Δ\\| % median / P95 / max | | {fmt(a['medianAbsPct'], 3)} / {fmt(a['p95AbsPct'], 3)} / "
                     f"{fmt(a['maxAbsPct'], 1)} | | |")
        lines.append(f"| routed by one side only | {fmt(a['onlyOsrm'])} (OSRM only) | {fmt(a['onlyGeofleet'])} (GeoFleet only) | "
                     f"| neither: {fmt(a['neither'])} |")
        d = s["durationAgreement"]
        lines.append(f"| duration \\|Δ\\| % median / P95 (info) | | {fmt(d['medianAbsPct'], 2)} / {fmt(d['p95AbsPct'], 2)} | | |")
        if a["lengthMismatch"]:
            lines.append("| ⚠ distances arrays differ in length | | | | |")
    if "graph" in s:
        g = s["graph"]
        lines.append(f"| GeoFleet graph | | nodes {fmt(g.get('nodes'))}, edges {fmt(g.get('edges'))}, "
                     f"shortcuts {fmt(g.get('shortcuts'))} | | |")
    if s["allPass"] is not None:
        lines += ["", f"All targets met: {'yes ✅' if s['allPass'] else 'no ❌'}"]
    return "\n".join(lines) + "\n"


def finite(v):
    """JSON has no infinity: an infinite |Δ| % (OSRM 0 m, GeoFleet more) becomes the string "inf"."""
    if isinstance(v, dict):
        return {k: finite(x) for k, x in v.items()}
    if isinstance(v, list):
        return [finite(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return "inf" if v > 0 else None
    return v


def load(path):
    with open(path) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser(description="Compare GeoFleet's router with OSRM (Markdown, optional JSON).")
    ap.add_argument("dirs", nargs="*", help="work directories holding osrm.json and geofleet.json")
    ap.add_argument("--osrm", help="osrm.json (instead of directories)")
    ap.add_argument("--geofleet", help="geofleet.json (with --osrm)")
    ap.add_argument("--json", dest="json_out", help="write the summary as JSON to this file ('-' = stdout)")
    ap.add_argument("--strict", action="store_true", help="exit 1 if a target is missed or a GeoFleet result is missing")
    args = ap.parse_args()
    inputs = []
    if args.osrm:
        inputs.append((args.osrm, args.geofleet))
    for d in args.dirs:
        inputs.append((os.path.join(d, "osrm.json"), os.path.join(d, "geofleet.json")))
    if not inputs:
        ap.error("give work directories or --osrm [--geofleet]")
    summaries = []
    for osrm_path, geo_path in inputs:
        if not os.path.exists(osrm_path):
            print(f"compare.py: {osrm_path} is missing; skipped", file=sys.stderr)
            continue
        osrm = load(osrm_path)
        geo = load(geo_path) if geo_path and os.path.exists(geo_path) else None
        name = osrm.get("extract") or os.path.basename(os.path.dirname(os.path.abspath(osrm_path)))
        summaries.append(summarize(name, osrm, geo))
    out = sys.stderr if args.json_out == "-" else sys.stdout
    for s in summaries:
        print(markdown(s), file=out)
    if args.json_out:
        text = json.dumps(finite({"extracts": summaries}), indent=2, allow_nan=False)
        if args.json_out == "-":
            print(text)
        else:
            with open(args.json_out, "w") as f:
                f.write(text + "\n")
    if args.strict and (not summaries or any(s["allPass"] is not True for s in summaries)):
        sys.exit(1)


if __name__ == "__main__":
    main()
