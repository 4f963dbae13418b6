"""The summary of scripts/bench/micro.sh: operations per second of each benchmark, hot index ÷ Redis ratios.

Usage: micro_summary.py RESULTS_TSV
RESULTS_TSV holds the `RESULT\tname\tops/s\t...` lines the benchmarks write (GEOFLEET_BENCH_RESULTS).
"""
import sys

rows = {}
for line in open(sys.argv[1]):
    parts = line.rstrip("\n").split("\t")
    if len(parts) >= 3 and parts[0] == "RESULT":
        rows[parts[1]] = (float(parts[2]), parts[4] if len(parts) > 4 else "")
for name, (ops, extra) in rows.items():
    print(f"{name:22s} {ops:14,.0f} ops/s  {extra}")
for hot, redis, what in [("hot.nearest10", "redis.geosearch10", "nearest-10 within 50 km"),
                         ("hot.update", "redis.geoadd", "updates")]:
    if hot in rows and redis in rows and rows[redis][0] > 0:
        print(f"ratio {what}: hot index / Redis = {rows[hot][0] / rows[redis][0]:.1f}x")
