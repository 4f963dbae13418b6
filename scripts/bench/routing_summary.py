"""One line per extract of scripts/bench/routing.sh: GeoFleet ÷ OSRM ratios from compare.py's summary.json.

Usage: routing_summary.py SUMMARY_JSON
"""
import json
import sys

s = json.load(open(sys.argv[1]))


def f(v, d=2):
    return "-" if v is None else (f"{v:.{d}f}" if isinstance(v, float) else str(v))


print(f"{'extract':<14} {'build x':>8} {'p50 x':>7} {'p99 x':>7} {'100x100 x':>10} {'1000x1000 x':>12} {'dist agree':>11}  all")
for e in s["extracts"]:
    a = e.get("agreement", {})
    share = a.get("share")
    print(f"{e['extract']:<14} {f(e['build']['ratio']):>8} {f(e['routeP50']['ratio']):>7} {f(e['routeP99']['ratio']):>7} "
          f"{f(e['matrix100']['ratio']):>10} {f(e['matrix1000']['ratio']):>12} "
          f"{('-' if share is None else f'{100 * share:.1f} %'):>11}  {({True: 'pass', False: 'MISS', None: '-'})[e['allPass']]}")
