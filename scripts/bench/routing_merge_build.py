"""Adds the build's wall seconds and peak RSS to geofleet.json (read by Benchmarks/Routing/compare.py).

Usage: routing_merge_build.py GEOFLEET_JSON BUILD_SECONDS BUILD_PEAK_RSS_KB
"""
import json
import sys

path, seconds, kb = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
with open(path) as f:
    d = json.load(f)
build = d.get("buildSeconds") if isinstance(d.get("buildSeconds"), dict) else {}
build["total"] = seconds
d["buildSeconds"] = build
d["buildPeakRSSMB"] = kb / 1024.0
with open(path, "w") as f:
    json.dump(d, f)
