#!/usr/bin/env python3
"""The console in a real browser (Debian's chromium, headless, through chromedriver and Selenium), against a
private geofleetd with the Monaco graph: a wrong token shows an error; tiles load and are not blank; vehicles
appear where the API says and move when a new position arrives; a route's label carries the API's distance;
a drawn polygon becomes a fence; the dashboard shows a non-zero ingest rate. Screenshots go to the output folder.
Called by scripts/console-test.sh.

    console_test.py BASE OSMAND_PORT TOKEN OUTDIR SERVICE_TOKEN
"""
import io
import os
import sys
import threading
import time
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True  # nothing to leave in scripts/lib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from api_client import call_api  # noqa: E402

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

base, osmand_port, token, outdir, service_token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
problems = []
COLOURS = {"online": (0x1A, 0x7F, 0x37), "unknown": (0xB5, 0x81, 0x05), "offline": (0x7D, 0x7D, 0x7D)}


def problem(text):
    problems.append(text)
    print("  FAIL " + text, file=sys.stderr)


def api(method, path, body=None, expect=200, bearer=None):
    return call_api(base, bearer or token, method, path, body, expect)


def osmand(imei, lat, lon, speed_knots=0.0, bearing=0.0):
    query = urllib.parse.urlencode({"id": imei, "lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "timestamp": str(int(time.time())),
                                    "speed": f"{speed_knots:.1f}", "bearing": f"{bearing:.0f}"})
    with urllib.request.urlopen(f"http://127.0.0.1:{osmand_port}/?{query}", timeout=15) as response:
        return response.status


def wait(what, predicate, seconds=20.0, every=0.2):
    deadline = time.time() + seconds
    last = None
    while time.time() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except Exception as error:  # noqa: BLE001 - the page may be mid-update
            last = error
        time.sleep(every)
    raise TimeoutError(f"{what} (last: {last!r})")


# --- Seed: three trucks in Monaco, bound to OsmAnd devices ---------------------------------------------------

trucks = {  # plate → (imei, lat, lon, knots, bearing)
    "MC-ONE": ("861230040000001", 43.73840, 7.42460, 18.0, 90.0),
    "MC-TWO": ("861230040000002", 43.73100, 7.41900, 0.0, 0.0),
    "MC-THREE": ("861230040000003", 43.74380, 7.43050, 25.0, 200.0),
}
ids = {}
for plate, (imei, lat, lon, knots, bearing) in trucks.items():
    ids[plate] = api("POST", "/api/fleet/add", {"type": "truck", "licensePlate": plate, "capacity": {"weight": 24000, "volume": 90},
                                                 "gpsDeviceId": imei}, expect=201)["vehicleId"]
    if osmand(imei, lat, lon, knots, bearing) != 200:
        raise SystemExit(f"OsmAnd refused {plate}'s position")
wait("three positions in /api/map/gps", lambda: len(api("GET", "/api/map/gps")["positions"]) >= 3)
# An open load in Monaco, from the marketplace (service token), for the candidate-truck heat.
stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
later = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + 8 * 3600))
api("PUT", "/api/cargo/cargo_console_1", {"pickup": {"lat": 43.7310, "long": 7.4200}, "delivery": {"lat": 43.7450, "long": 7.4260},
                                          "weight": 8000, "totalPrice": 400, "loadingDate": stamp, "loadingDateEnd": later},
    bearer=service_token)

# Positions keep arriving while the browser works, so that the dashboard's ingest rate is not zero.
feeding = threading.Event()
paused = threading.Event()  # set while the test reads or presses list items (each update redraws the list)


def feed():
    k = 0
    while not feeding.is_set():
        if not paused.is_set():
            k += 1
            osmand(trucks["MC-THREE"][0], 43.74380 - k * 1e-5, 7.43050, 25.0, 200.0)
        time.sleep(0.5)


feeder = threading.Thread(target=feed, daemon=True)
feeder.start()

# --- The browser -------------------------------------------------------------------------------------------

options = Options()
options.binary_location = "/usr/bin/chromium"
for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
            "--force-device-scale-factor=1", "--hide-scrollbars"):
    options.add_argument(arg)
driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(30)


def viewport(width, height, mobile=False):
    """The page's own size (the window's includes what headless chromium keeps for its frame)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


viewport(1280, 720)
shot = lambda name: driver.save_screenshot(f"{outdir}/{name}.png")  # noqa: E731


def screenshot_image():
    return Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")


def near(pixel, colour, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


try:
    # 1. First paint, and a wrong token: an error, not a blank page.
    driver.get(base + "/console")
    paint = driver.execute_script(
        "const e = performance.getEntriesByName('first-contentful-paint')[0]; return e ? e.startTime : null;")
    wait("the first paint is recorded", lambda: driver.execute_script(
        "return performance.getEntriesByName('first-contentful-paint').length") > 0, 5)
    paint = driver.execute_script("return performance.getEntriesByName('first-contentful-paint')[0].startTime")
    print(f"console-test: first contentful paint {paint:.0f} ms")
    if paint > 1000:
        problem(f"first paint took {paint:.0f} ms (> 1 s on loopback)")
    driver.find_element(By.ID, "token").send_keys("not-a-token")
    driver.find_element(By.ID, "signin-button").click()
    message = wait("the wrong token's error", lambda: driver.find_element(By.ID, "error").is_displayed()
                   and driver.find_element(By.ID, "error").text)
    if "Sign-in failed" not in message or not driver.find_element(By.ID, "signin").is_displayed():
        problem(f"a wrong token showed {message!r} (sign-in form shown: {driver.find_element(By.ID, 'signin').is_displayed()})")
    shot("console-wrong-token")

    # 2. Signing in by keyboard: type the token, Enter on the button.
    box = driver.find_element(By.ID, "token")
    box.clear()
    box.send_keys(token)
    driver.find_element(By.ID, "signin-button").send_keys(Keys.ENTER)
    wait("three vehicles drawn", lambda: driver.execute_script("return window.geofleetConsole.drawnVehicles") >= 3)
    wait("three vehicles listed", lambda: len(driver.find_elements(By.CSS_SELECTOR, "#vehicles button")) >= 3)
    wait("the live stream open", lambda: driver.execute_script("return window.geofleetConsole.stream") == "open", 10)
    if driver.find_element(By.ID, "error").is_displayed():
        problem("an error shows after a good sign-in: " + driver.find_element(By.ID, "error").text)

    # 3. Tiles load and are not blank: every loaded tile image decoded in the page, and the map's pixels vary.
    wait("tiles loaded", lambda: driver.execute_script(
        "const t = document.querySelectorAll('.leaflet-tile-container img.leaflet-tile');"
        "return t.length > 0 && Array.from(t).every(i => i.complete && i.naturalWidth === 256);"), 30)
    time.sleep(0.5)
    shot("console-map")
    rect = driver.find_element(By.ID, "map").rect
    # Each loaded tile's own pixels, read back in the page: the grey-level variance of the busiest tile.
    variances = driver.execute_script("""
        const canvas = document.createElement('canvas'); canvas.width = 256; canvas.height = 256;
        const ctx = canvas.getContext('2d', {willReadFrequently: true});
        return Array.from(document.querySelectorAll('img.leaflet-tile')).filter(i => !i.src.includes('layer=')).map(img => {
            ctx.clearRect(0, 0, 256, 256); ctx.drawImage(img, 0, 0);
            const d = ctx.getImageData(0, 0, 256, 256).data; let sum = 0, sq = 0; const n = d.length / 4;
            for (let i = 0; i < d.length; i += 4) { const g = (d[i] + d[i + 1] + d[i + 2]) / 3; sum += g; sq += g * g; }
            return sq / n - (sum / n) * (sum / n);
        });""")
    print(f"console-test: {len(variances)} tiles loaded; grey-level variance max {max(variances):.0f}, "
          f"{sum(1 for v in variances if v > 20)} tiles with roads")
    if max(variances) < 20 or sum(1 for v in variances if v > 20) < 2:
        problem(f"the tiles look blank (variances {sorted(variances)[-5:]})")
    tile_status = driver.execute_script(
        "return Array.from(document.querySelectorAll('img.leaflet-tile')).map(i => i.src).slice(0, 3)")
    for src in tile_status:
        with urllib.request.urlopen(src, timeout=30) as response:
            if response.headers.get("Content-Type") != "image/png" or not response.headers.get("ETag"):
                problem(f"tile {src} has no PNG type or no ETag")

    # 4. Vehicles where the API says: the pixel under each API position has the status colour.
    def vehicle_pixels_ok(positions):
        image = screenshot_image()
        bad = []
        for p in positions:
            point = driver.execute_script(
                "const q = window.geofleetConsole.map.latLngToContainerPoint([arguments[0], arguments[1]]); return [q.x, q.y];",
                p["lat"], p["long"])
            x, y = int(rect["x"] + point[0]), int(rect["y"] + point[1])
            colour = COLOURS.get(p.get("connectivity", "unknown"), COLOURS["unknown"])
            # The arrow's or dot's body covers a few pixels around the point.
            hits = [image.getpixel((x + dx, y + dy)) for dx in (-2, 0, 2) for dy in (-1, 0, 2)
                    if 0 <= x + dx < image.width and 0 <= y + dy < image.height]
            if not any(near(h, colour) for h in hits):
                bad.append((p["vehicleId"][:8], (x, y), hits[:3]))
        return bad

    # MC-THREE keeps moving (the feeder); the two others hold still for the exact checks.
    positions = [p for p in api("GET", "/api/map/gps")["positions"] if p["vehicleId"] != ids["MC-THREE"]]
    time.sleep(2.5)
    bad = vehicle_pixels_ok(positions)
    if bad:
        problem(f"vehicles not drawn where the API puts them: {bad}")
    listed = dict(driver.execute_script(
        "return Array.from(document.querySelectorAll('#vehicles button'), b => [b.dataset.id, Number(b.dataset.lat)])"))
    for p in positions:
        if abs(listed.get(p["vehicleId"], 999) - p["lat"]) > 1e-6:
            problem(f"the list's latitude of {p['vehicleId'][:8]} is {listed.get(p['vehicleId'])}, the API's {p['lat']}")

    # 5. A new position moves the vehicle: list and map follow.
    one = ids["MC-ONE"]
    # With the stream open the page polls every 10 s only: a move within 5 s came through /api/stream.
    updates = driver.execute_script("return window.geofleetConsole.streamUpdates")
    sent = time.time()
    osmand(trucks["MC-ONE"][0], 43.73700, 7.42100, 20.0, 270.0)
    wait("MC-ONE moves in the list", lambda: abs(driver.execute_script(
        "return Number(document.querySelector('#vehicles button[data-id=\"' + arguments[0] + '\"]').dataset.lat)", one) - 43.73700) < 1e-6, 15)
    took = time.time() - sent
    streamed = driver.execute_script("return window.geofleetConsole.streamUpdates") - updates
    print(f"console-test: a new position moved its vehicle on the page {took * 1000:.0f} ms after it was sent ({streamed} stream updates)")
    if took > 5 or streamed < 1:
        problem(f"the move took {took:.1f} s with {streamed} stream updates: not live from /api/stream")
    moved = [p for p in api("GET", "/api/map/gps")["positions"] if p["vehicleId"] == one]
    time.sleep(0.3)
    bad = vehicle_pixels_ok(moved)
    if bad:
        problem(f"the moved vehicle is not drawn at its new position: {bad}")

    # 6. Details of a vehicle, opened from the list by keyboard.
    paused.set()
    time.sleep(1)
    button = driver.find_element(By.CSS_SELECTOR, f'#vehicles button[data-id="{one}"]')
    button.send_keys(Keys.ENTER)
    paused.clear()
    wait("details shown", lambda: driver.find_element(By.ID, "details").is_displayed() and "MC-ONE" in driver.find_element(By.ID, "details").text)

    # 7. A route between two clicked points: the label carries the API's distance for the same points.
    driver.find_element(By.ID, "tool-route").click()
    map_element = driver.find_element(By.ID, "map")
    size = map_element.size
    clicks = [(size["width"] * 0.3, size["height"] * 0.4), (size["width"] * 0.7, size["height"] * 0.6)]
    for cx, cy in clicks:
        ActionChains(driver).move_to_element_with_offset(map_element, int(cx - size["width"] / 2), int(cy - size["height"] / 2)).click().perform()
        time.sleep(0.2)
    try:
        label = wait("the route label", lambda: driver.find_element(By.ID, "route-label").text, 20)
    except TimeoutError:
        raise TimeoutError("no route label; tool status: " + driver.find_element(By.ID, "tool-status").text)
    points = [driver.execute_script("const q = window.geofleetConsole.map.containerPointToLatLng([arguments[0], arguments[1]]); return [q.lat, q.lng];",
                                    int(cx), int(cy)) for cx, cy in clicks]
    shown = float(driver.find_element(By.ID, "route-label").get_attribute("data-distance-meters"))
    expected = api("POST", "/api/routes/estimate", {"from": {"lat": points[0][0], "long": points[0][1]},
                                                    "to": {"lat": points[1][0], "long": points[1][1]}, "profile": "articulated"})
    print(f"console-test: route label: {label!r}; API: {expected['distanceMeters']} m from {expected['source']}")
    if abs(shown - expected["distanceMeters"]) > 0.05 or f"{shown:g} m" not in label.replace(",", ""):
        problem(f"route label {label!r} does not carry the API's distance {expected['distanceMeters']}")
    shot("console-route")
    driver.find_element(By.ID, "tool-clear").click()

    # 8. A drawn polygon becomes a fence through the API.
    driver.find_element(By.ID, "tool-fence").click()
    corners = [(0.35, 0.3), (0.6, 0.3), (0.6, 0.6), (0.35, 0.6)]
    for fx, fy in corners:
        ActionChains(driver).move_to_element_with_offset(map_element, int((fx - 0.5) * size["width"]), int((fy - 0.5) * size["height"])).click().perform()
        time.sleep(0.15)
    driver.find_element(By.ID, "fence-name").send_keys("Console test yard")
    driver.find_element(By.ID, "fence-save").click()
    wait("the fence is saved", lambda: "Fence saved" in driver.find_element(By.ID, "tool-status").text, 15)
    fences = [f for f in api("GET", "/api/geofences")["geofences"] if f["name"] == "Console test yard"]
    if len(fences) != 1 or fences[0]["area"]["type"] != "polygon" or len(fences[0]["area"]["coordinates"][0]) != 5:
        problem(f"the drawn polygon did not become one fence of 4 corners: {fences}")

    # 8a. Renaming it from its popup (a click inside it, no tool active) goes through the API too.
    centre = ((corners[0][0] + corners[2][0]) / 2 - 0.5, (corners[0][1] + corners[2][1]) / 2 - 0.5)
    ActionChains(driver).move_to_element_with_offset(map_element, int(centre[0] * size["width"]), int(centre[1] * size["height"])).click().perform()
    field = wait("the fence popup", lambda: driver.find_element(By.CSS_SELECTOR, ".leaflet-popup input"), 10)
    field.clear()
    field.send_keys("Console test yard, renamed")
    driver.find_element(By.XPATH, "//div[contains(@class,'leaflet-popup')]//button[text()='Rename']").click()
    wait("the fence renamed", lambda: "Fence renamed" in driver.find_element(By.ID, "tool-status").text, 10)
    if not [f for f in api("GET", "/api/geofences")["geofences"] if f["name"] == "Console test yard, renamed"]:
        problem("renaming the fence in its popup did not reach the API")

    # 8b. A load's candidate trucks: as many as the API ranks, each drawn in its score's colour.
    expected_candidates = api("POST", "/api/match/cargo", {"cargoId": "cargo_console_1", "limit": 50})["candidates"]
    driver.find_element(By.ID, "load-id").send_keys("cargo_console_1" + Keys.ENTER)
    heat = wait("the load's candidates", lambda: "candidate trucks" in driver.find_element(By.ID, "load-label").text
                and driver.find_element(By.ID, "load-label").text, 20)
    print(f"console-test: load label: {heat!r}; API: {len(expected_candidates)} candidates")
    if f"{len(expected_candidates)} candidate trucks" not in heat or not expected_candidates:
        problem(f"the load label {heat!r} does not show the API's {len(expected_candidates)} candidates")
    rings = driver.execute_script("return window.geofleetConsole.candidatesDrawn")
    if rings < len(expected_candidates):
        problem(f"{rings} shapes drawn for {len(expected_candidates)} candidates")

    # 9. Truck restrictions toggle: an overlay tile layer appears.
    driver.find_element(By.ID, "layer-restrictions").click()
    wait("restriction tiles requested", lambda: driver.execute_script(
        "return document.querySelectorAll('img.leaflet-tile[src*=\"layer=restrictions\"]').length") > 0, 10)

    # 10. The dashboard shows a non-zero ingest rate.
    driver.find_element(By.ID, "tab-dashboard").click()
    rate = wait("a non-zero ingest rate", lambda: float(driver.find_element(By.ID, "m-positions").text.replace("–", "0")) > 0
                and driver.find_element(By.ID, "m-positions").text, 20)
    print(f"console-test: dashboard positions/s {rate}")
    time.sleep(3.5)
    shot("console-dashboard")

    # 11. A phone's width: the page still lays out (no horizontal scroll), the map and list visible.
    driver.find_element(By.ID, "tab-map").click()
    viewport(390, 800, mobile=True)
    time.sleep(0.8)
    overflow = driver.execute_script("return document.documentElement.scrollWidth > window.innerWidth + 1")
    if overflow or not driver.find_element(By.ID, "map").is_displayed():
        problem("at phone width the page scrolls sideways or hides the map")
    shot("console-phone")
finally:
    feeding.set()
    logs = []
    try:
        logs = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE" and "favicon" not in e.get("message", "")]
    except Exception:  # noqa: BLE001 - logs are a bonus
        pass
    driver.quit()

# A wrong token's 401 is logged by the browser; nothing else should be.
errors = [e["message"] for e in logs if "401" not in e["message"]]
if errors:
    problem(f"the browser logged errors: {errors[:5]}")
if problems:
    print(f"console-test: {len(problems)} problem(s)", file=sys.stderr)
    sys.exit(1)
print(f"console-test: all checks passed; screenshots in {outdir}")
