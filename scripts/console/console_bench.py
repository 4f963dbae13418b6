#!/usr/bin/env python3
"""Console benchmark, against a private geofleetd on the generated country network (scripts/bench/console.sh):
tile latency p50/p99 at zoom 8, 12 and 16, cold (rendered) and cached (memory), over HTTP on loopback; then
10,000 vehicles (auto-registered OsmAnd devices) and, in headless chromium, the page's time to first vehicle
and the time of one full redraw. Prints a Markdown table and writes summary.json to OUTDIR.

    console_bench.py BASE OSMAND_PORT TOKEN OUTDIR VEHICLES
"""
import concurrent.futures
import json
import math
import random
import sys
import time
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

base, osmand_port, token, outdir, vehicles = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
# The generated network's box (Benchmarks/Routing/generate_network.py).
LAT0, LAT1, LON0, LON1 = 43.6, 48.3, 20.2, 29.7


def tile_of(lat, lon, z):
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def fetch(path):
    started = time.perf_counter()
    with urllib.request.urlopen(base + path, timeout=120) as response:
        response.read()
        origin = response.headers.get("X-Tile-Origin")
    return (time.perf_counter() - started) * 1000, origin


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


generator = random.Random(1)
results = {"tiles": {}}
rows = []
for z, count in ((8, 40), (12, 150), (16, 150)):
    tiles = set()
    # Zoom 8 has fewer distinct tiles over the box than asked for: the draws stop after 20 × count tries.
    for _ in range(20 * count):
        if len(tiles) >= count:
            break
        tiles.add(tile_of(generator.uniform(LAT0, LAT1), generator.uniform(LON0, LON1), z))
    paths = [f"/tiles/{z}/{x}/{y}.png" for x, y in sorted(tiles)]
    cold = [fetch(p) for p in paths]
    cached = [fetch(p) for p in paths]
    if any(o != "render" for _, o in cold) or any(o != "memory" for _, o in cached):
        raise SystemExit(f"zoom {z}: cold origins {set(o for _, o in cold)}, cached {set(o for _, o in cached)}")
    entry = {"tiles": len(paths), "cold_p50_ms": quantile([t for t, _ in cold], 0.5), "cold_p99_ms": quantile([t for t, _ in cold], 0.99),
             "cached_p50_ms": quantile([t for t, _ in cached], 0.5), "cached_p99_ms": quantile([t for t, _ in cached], 0.99)}
    results["tiles"][z] = entry
    rows.append(f"| {z} | {len(paths)} | {entry['cold_p50_ms']:.1f} | {entry['cold_p99_ms']:.1f} | "
                f"{entry['cached_p50_ms']:.2f} | {entry['cached_p99_ms']:.2f} |")
print("| zoom | tiles | cold p50 ms | cold p99 ms | cached p50 ms | cached p99 ms |")
print("|---|---|---|---|---|---|")
print("\n".join(rows))

# 10,000 vehicles, spread over the network's box, each an auto-registered OsmAnd device.
now = int(time.time())
shift = 0.0  # degrees north added to every vehicle's place (the second round moves them)


def send(k):
    query = urllib.parse.urlencode({"id": f"{990000000000000 + k}", "lat": f"{generator_k(k)[0] + shift:.6f}", "lon": f"{generator_k(k)[1]:.6f}",
                                    "timestamp": str(now), "speed": "30", "bearing": str(k % 360)})
    for _ in range(5):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{osmand_port}/?{query}", timeout=30) as response:
                return response.status
        except OSError:
            time.sleep(0.5)
    return None


def generator_k(k):
    g = random.Random(k)
    return g.uniform(LAT0, LAT1), g.uniform(LON0, LON1)


started = time.time()
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    statuses = list(pool.map(send, range(vehicles)))
print(f"console-bench: {vehicles} OsmAnd positions sent in {time.time() - started:.0f} s ({statuses.count(200)} answered 200)")
request = urllib.request.Request(base + "/api/map/gps", headers={"Authorization": "Bearer " + token})
deadline = time.time() + 120
while True:
    with urllib.request.urlopen(request, timeout=60) as response:
        have = len(json.loads(response.read())["positions"])
    if have >= vehicles or time.time() > deadline:
        break
    time.sleep(1)
print(f"console-bench: /api/map/gps holds {have} vehicles")

options = Options()
options.binary_location = "/usr/bin/chromium"
for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,720"):
    options.add_argument(arg)
driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False})
try:
    runs = []
    for attempt in range(3):
        driver.get(base + "/console")
        driver.execute_script("sessionStorage.setItem('geofleet.token', arguments[0]);", token)
        driver.get(base + "/console")
        deadline = time.time() + 60
        while driver.execute_script("return window.geofleetConsole.firstVehicleMs") is None and time.time() < deadline:
            time.sleep(0.05)
        first = driver.execute_script("return window.geofleetConsole.firstVehicleMs")
        paint = driver.execute_script("const e = performance.getEntriesByName('first-contentful-paint')[0]; return e ? e.startTime : null")
        time.sleep(2.5)  # a poll or two: the steady redraw
        redraws = []
        for _ in range(10):
            redraws.append(driver.execute_script(
                "const m = window.geofleetConsole.map; m.panBy([5, 0], {animate: false}); return window.geofleetConsole.redrawMs;"))
        drawn = driver.execute_script("return window.geofleetConsole.drawnVehicles")
        runs.append({"first_vehicle_ms": first, "first_paint_ms": paint, "redraw_p50_ms": quantile(redraws, 0.5), "drawn": drawn})
    # Every vehicle moves once more while the page is open (updates through /api/stream): the page's long tasks
    # (main thread busy > 50 ms) show whether the tab stalls.
    driver.execute_script("window.__long = []; new PerformanceObserver(l => l.getEntries().forEach(e => window.__long.push(e.duration)))"
                          ".observe({type: 'longtask', buffered: false}); window.__updates0 = window.geofleetConsole.streamUpdates;")
    now = int(time.time()) + 1
    shift = 0.002
    moved_started = time.time()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(send, range(vehicles)))
    moved_seconds = time.time() - moved_started
    time.sleep(3)
    longs = driver.execute_script("return window.__long")
    streamed = driver.execute_script("return window.geofleetConsole.streamUpdates - window.__updates0")
    results["live"] = {"updates_sent": vehicles, "seconds": moved_seconds, "updates_received": streamed,
                       "long_tasks": len(longs), "longest_task_ms": max(longs) if longs else 0}
    print(f"console-bench: {vehicles} moves in {moved_seconds:.0f} s reached the page as {streamed} stream updates; "
          f"long tasks: {len(longs)}, longest {max(longs) if longs else 0:.0f} ms")
    driver.save_screenshot(f"{outdir}/console-10k.png")
finally:
    driver.quit()
results["vehicles"] = {"count": have, "runs": runs}
for r in runs:
    print(f"console-bench: {have} vehicles: first paint {r['first_paint_ms']:.0f} ms, first vehicle {r['first_vehicle_ms']:.0f} ms, "
          f"redraw p50 {r['redraw_p50_ms']:.1f} ms ({r['drawn']} in view)")
with open(f"{outdir}/summary.json", "w") as f:
    json.dump(results, f, indent=1)
