"""The summary table of scripts/bench/matching.sh: GeoFleet's match timings against the OSRM table anchor.

Usage: matching_summary.py GEOFLEET_JSON OSRM_JSON OSRM_ROUTE_JSON
"""
import json
import sys

g, o, r = (json.load(open(p)) for p in sys.argv[1:4])
c, m, t, f = g["matchCargoMs"], g["bareMatrix50x1Ms"], o["tableMs"], g["matchFleetMs"]
print(f"| | p50 ms | p99 ms |\n|---|---|---|")
print(f"| match/cargo ({g['vehicles']} vehicles, {g['cargo']} loads, {g['roadCandidatesPerQuery']:.1f} road ETAs/query) | {c['p50']:.2f} | {c['p99']:.2f} |")
print(f"| anchor: OSRM CH table 50x1, same points | {t['p50']:.3f} | {t['p99']:.3f} |")
print(f"| anchor: GeoFleet bare matrix 50x1, same points | {m['p50']:.3f} | {m['p99']:.3f} |")
print(f"| match/fleet ({g['fleet']} trucks, {g['fleetSuggestions']} suggestions) | {f['p50']:.1f} | {f['p99']:.1f} |")
print(f"\nmatch/cargo p99 / OSRM table p99 = {c['p99'] / t['p99']:.1f}x; targets: match/cargo p99 <= 20 ms: "
      f"{'met' if c['p99'] <= 20 else 'NOT met'}; match/fleet p99 <= 200 ms: {'met' if f['p99'] <= 200 else 'NOT met'}")
ca, cc, rt = g["costAnalysisColdMs"], g["costAnalysisCachedMs"], r["routeMs"]
print(f"\n| | p50 ms | p99 ms |\n|---|---|---|")
print(f"| cost-analysis, cold ({int(ca['count'])} loads: best truck, 2 routed legs, costs) | {ca['p50']:.2f} | {ca['p99']:.2f} |")
print(f"| cost-analysis, cached | {cc['p50']:.3f} | {cc['p99']:.3f} |")
print(f"| anchor: OSRM CH route (empty run) + route with steps (loaded), same points | {rt['p50']:.3f} | {rt['p99']:.3f} |")
print(f"\ncost-analysis cold p99 / OSRM routes p99 = {ca['p99'] / rt['p99']:.1f}x; target cost-analysis p99 <= 20 ms: "
      f"{'met' if ca['p99'] <= 20 else 'NOT met'} ({g['costAnalysisFailures']} loads without a road answer)")
print(f"peak RSS {g['peakRSSMiB']:.0f} MiB")
