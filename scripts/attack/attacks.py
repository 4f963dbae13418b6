"""The attacks of scripts/attack.sh against a running geofleetd (stdlib only).

Every attack is followed by the same invariants: the daemon answers /healthz, a canary tenant's new
position reaches PostGIS (its track), RSS stays under its bound, and what the attacks had acknowledged
is all in PostGIS. A broken invariant prints why and exits non-zero.
"""
import json
import math
import os
import random
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True  # nothing to leave in scripts/lib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from teltonika_frames import crc16_ibm, teltonika_frame, teltonika_login  # noqa: E402,F401

HTTP = int(os.environ["ATTACK_HTTP"])
TELTONIKA = int(os.environ["ATTACK_TELTONIKA"])
GT06 = int(os.environ["ATTACK_GT06"])
OSMAND = int(os.environ["ATTACK_OSMAND"])
RUPTELA = int(os.environ["ATTACK_RUPTELA"])
TELTONIKA_TLS = int(os.environ["ATTACK_TELTONIKA_TLS"])
CA = os.environ["ATTACK_CA"]
PID = int(os.environ["ATTACK_PID"])
ALICE, BOB, CANARY = os.environ["ATTACK_TOKEN_A"], os.environ["ATTACK_TOKEN_B"], os.environ["ATTACK_TOKEN_C"]
SERVICE = os.environ["ATTACK_TOKEN_S"]
WORK, BIN = os.environ["ATTACK_WORK"], os.environ["ATTACK_BIN"]
RSS_BOUND_MB = int(os.environ.get("GEOFLEET_ATTACK_RSS_MB", "400"))
ONLY = os.environ.get("GEOFLEET_ATTACK_ONLY", "")
# attack.sh sets every header, body and handshake timeout to 3 s (and device idle to 20 s).
SLOW_CLOSE_SECONDS = 12
problems = []


def problem(text):
    problems.append(text)
    print("  FAIL " + text, file=sys.stderr)


def api(method, path, body=None, token=ALICE, raw=None, timeout=30):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(f"http://127.0.0.1:{HTTP}{path}", data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, None


def rss_mb():
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def now_ms():
    return int(time.time() * 1000)


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + f".{ms % 1000:03d}Z"


# --- device frames -------------------------------------------------------------------------------

class Device:
    """A Teltonika TCP device: logs in, sends frames, reads the 4-byte ACK of each."""

    def __init__(self, imei):
        self.sock = socket.create_connection(("127.0.0.1", TELTONIKA), timeout=10)
        self.sock.sendall(teltonika_login(imei))
        self.accepted = self.sock.recv(1) == b"\x01"

    def send(self, records):
        self.sock.sendall(teltonika_frame(records))
        ack = b""
        while len(ack) < 4:
            chunk = self.sock.recv(4 - len(ack))
            if not chunk:
                return None
            ack += chunk
        return struct.unpack(">I", ack)[0]

    def close(self):
        self.sock.close()


def osmand(params, method="GET"):
    query = urllib.parse.urlencode(params, safe="%")
    url = f"http://127.0.0.1:{OSMAND}/?{query}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=15) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def osmand_raw_query(query):
    """Sends a query string as is (poison bytes already percent-encoded)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{OSMAND}/?{query}", timeout=15) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def osmand_json(body):
    request = urllib.request.Request(f"http://127.0.0.1:{OSMAND}/", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


# --- tenants and invariants ----------------------------------------------------------------------

def add_vehicle(token, plate, imei=None):
    body = {"type": "truck", "licensePlate": plate, "capacity": {"weight": 24000, "volume": 90}}
    if imei:
        body["gpsDeviceId"] = imei
    status, answer = api("POST", "/api/fleet/add", body, token=token)
    if status != 201:
        raise SystemExit(f"attack: cannot add vehicle {plate}: {status} {answer}")
    return answer["vehicleId"]


def track_count(token, vehicle, since_ms=None):
    since = since_ms if since_ms is not None else now_ms() - 6 * 3_600_000
    status, answer = api("GET", f"/api/fleet/vehicles/{vehicle}/track?from={iso(since)}&to={iso(now_ms() + 600_000)}", token=token)
    return answer.get("pointCount", 0) if status == 200 and answer else -1


def wait_track(token, vehicle, at_least, seconds=30, since_ms=None):
    deadline = time.time() + seconds
    count = track_count(token, vehicle, since_ms)
    while count < at_least and time.time() < deadline:
        time.sleep(0.25)
        count = track_count(token, vehicle, since_ms)
    return count


CANARY_IMEI = "356307042449999"
canary_vehicle = None
canary_fixes = 0
baseline_rss = 0.0
acknowledged = {}  # (token, vehicle) -> acknowledged positions that must be in PostGIS


def invariants(after):
    """What every attack must leave true."""
    global canary_fixes
    status, _ = api("GET", "/healthz", token=None)
    if status != 200:
        problem(f"{after}: /healthz answered {status}")
        return
    canary_fixes += 1
    # In milliseconds (OsmAnd reads a value past 2^31 as ms): two invariants within one second would
    # otherwise send the same fix time, and the second fix is dropped as a duplicate.
    fix = now_ms() - 1000
    stored = osmand({"id": CANARY_IMEI, "lat": f"{44.43 + canary_fixes * 1e-4:.6f}", "lon": "26.10", "timestamp": str(fix)})
    if stored != 200:
        problem(f"{after}: the canary's OsmAnd position got {stored}")
    count = wait_track(CANARY, canary_vehicle, canary_fixes)
    if count < canary_fixes:
        problem(f"{after}: the canary tenant has {count} of {canary_fixes} positions in PostGIS")
    rss = rss_mb()
    if rss > baseline_rss + RSS_BOUND_MB:
        problem(f"{after}: RSS {rss:.0f} MB is over its bound ({baseline_rss:.0f} + {RSS_BOUND_MB} MB)")
    for (token, vehicle), count in acknowledged.items():
        stored = wait_track(token, vehicle, count)
        if stored < count:
            problem(f"{after}: vehicle {vehicle} has {stored} of {count} acknowledged positions in PostGIS")
    print(f"attack: {after}: daemon up, canary stored, RSS {rss:.0f} MB (bound {baseline_rss + RSS_BOUND_MB:.0f} MB)")


# --- attacks -------------------------------------------------------------------------------------

POISON = ["%00", "a%00b", "%C3%28", "%ED%A0%80", "%FF%FE", "%5Cu0000", "%F4%90%80%80", "%EF%BF%BF", "A" * 4000]


def attack_poison():
    """Values PostgreSQL refuses (NUL, invalid UTF-8, surrogates) in every free-text field a device can send."""
    imei = "356307042440001"
    vehicle = add_vehicle(ALICE, "ATK-POISON", imei)
    sent = 0
    base = now_ms() - 3_600_000
    fields = ("note", "driverUniqueId", "address", "event", "x")
    for k, value in enumerate(POISON):
        for j, field in enumerate(fields):
            # A minute apart and a few metres apart: no filter (duplicate, speed) may drop what is sent.
            step = k * len(fields) + j
            ms = base + step * 60_000
            query = f"id={imei}&lat={44.4 + step * 1e-4:.5f}&lon=26.1&timestamp={ms // 1000}&{field}={value}"
            status = osmand_raw_query(query)
            if status is None or status >= 500:
                problem(f"poison: OsmAnd {field}={value[:12]} answered {status}")
            elif status == 200:
                sent += 1
    # The JSON body of newer Traccar Clients: NUL and a lone surrogate in strings and keys.
    for k, text in enumerate(['"\\u0000"', '"\\ud800"', '"a\\u0000b"', '"\\udfff\\ud800"']):
        step = len(POISON) * len(fields) + k
        body = ('{"location":{"timestamp":"%s","coords":{"latitude":%.5f,"longitude":26.1},"activity":{"type":%s},'
                '"extras":{"k%d":%s}},"device_id":"%s"}' % (iso(base + step * 60_000), 44.4 + step * 1e-4, text, k, text, imei)).encode()
        status = osmand_json(body)
        if status is None or status >= 500:
            problem(f"poison: OsmAnd JSON {text} answered {status}")
        elif status == 200:
            sent += 1
    # A Teltonika login whose IMEI carries a NUL, a GT06 login with garbage: the connection goes, nothing else.
    for port, payload in ((TELTONIKA, b"\x00\x0f35630704244\x00\x00\x00\x01"), (GT06, b"\x78\x78\x0d\x01" + b"\x00" * 20)):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(payload)
        try:
            s.recv(64)
        except OSError:
            pass
        s.close()
    acknowledged[(ALICE, vehicle)] = sent
    stored = wait_track(ALICE, vehicle, sent, since_ms=base - 60_000)
    if stored < sent:
        problem(f"poison: {stored} of {sent} acknowledged poisoned positions reached PostGIS (cleaned or dead-lettered)")
    invariants("poison values")


BAD_NUMBERS = ["0", "-1", "2147483648", "9223372036854775807", "9223372036854775808", "18446744073709551615",
               "18446744073709551616", "1e308", "1e309", "-1e309", "NaN", "-0", "0x10", "", "1" * 400]


def attack_numbers():
    """Boundary and huge numbers in every query parameter and body field of the API."""
    vehicle = add_vehicle(BOB, "ATK-NUMBERS")
    queries = [
        ("GET", "/api/fleet/vehicles?page={}"), ("GET", "/api/fleet/vehicles?limit={}"),
        ("GET", "/api/fleet/nearby?lat={}&long=26.1"), ("GET", "/api/fleet/nearby?lat=44&long={}"),
        ("GET", "/api/fleet/nearby?lat=44&long=26&radiusKm={}"), ("GET", "/api/fleet/nearby?lat=44&long=26&limit={}"),
        ("GET", "/api/fleet/vehicles/%s/track?limit={}" % vehicle), ("GET", "/api/fleet/vehicles/%s/track?simplify={}" % vehicle),
        ("GET", "/api/fleet/vehicles/%s/track?stopMinutes={}" % vehicle),
        ("GET", "/api/fleet/vehicles/%s/track?stopRadiusMeters={}" % vehicle),
        ("GET", "/api/fleet/vehicles/%s/track?from={}" % vehicle), ("GET", "/api/stream?resume={}"),
        ("GET", "/api/match/vehicles/%s/cargo?limit={}" % vehicle),
        ("GET", "/api/fleet/vehicles/%s/trips?from={}" % vehicle), ("GET", "/api/fleet/vehicles/%s/trips?stopMinutes={}" % vehicle),
        ("GET", "/api/events?limit={}"), ("GET", "/api/events?from={}"),
    ]
    for method, template in queries:
        for value in BAD_NUMBERS:
            path = template.format(urllib.parse.quote(value))
            status, _ = api(method, path, token=BOB)
            if status >= 500:
                problem(f"numbers: {method} {path[:90]} answered {status}")
    bodies = [
        ("POST", "/api/fleet/add", lambda n: {"type": "van", "licensePlate": "N-1", "capacity": {"weight": n, "volume": 1}}),
        ("POST", "/api/fleet/add", lambda n: {"type": "van", "licensePlate": "N-2", "capacity": {"weight": 1, "volume": n}}),
        ("PUT", f"/api/fleet/vehicles/{vehicle}/position", lambda n: {"lat": n, "long": 26}),
        ("PUT", f"/api/fleet/vehicles/{vehicle}/position", lambda n: {"lat": 44, "long": 26, "timestamp": n}),
        ("POST", "/api/routes/estimate", lambda n: {"from": {"lat": n, "long": 26}, "to": {"lat": 44, "long": 26}}),
        ("POST", "/api/routes/matrix", lambda n: {"sources": [{"lat": 44, "long": n}], "destinations": [{"lat": 44, "long": 26}]}),
        ("POST", "/api/match/cargo", lambda n: {"cargo": {"pickup": {"lat": 44, "long": 26}, "delivery": {"lat": 45, "long": 26},
                                                           "weight": n, "loadingDate": "2026-12-07"}, "limit": n}),
        ("PUT", "/api/fleet/cost-settings", lambda n: {"driverPay": n, "fuel": n}),
        ("POST", "/api/match/fleet", lambda n: {"limit": n}),
        ("POST", "/api/geofences", lambda n: {"name": "n", "area": {"type": "circle", "center": {"lat": 44, "long": 26}, "radiusMeters": n}}),
        ("POST", "/api/geofences", lambda n: {"name": "n", "area": {"type": "circle", "center": {"lat": n, "long": 26}, "radiusMeters": 50}}),
        ("POST", "/api/geofences", lambda n: {"name": "n", "area": {"type": "polygon", "coordinates": [[[26, 44], [n, 44], [26.1, 44.1], [26, 44]]]}}),
        ("POST", "/api/geofences", lambda n: {"name": "n", "area": {"type": "corridor", "line": [[26, 44], [26.1, 44]], "widthMeters": n}}),
        ("POST", "/api/geofences", lambda n: {"name": "n", "area": {"type": "circle", "center": {"lat": 44, "long": 26}, "radiusMeters": 50},
                                              "speedLimitKmh": n, "dwellMinutes": n}),
    ]
    raw_numbers = ["0", "-1", "1e308", "1e309", "-1e309", "9223372036854775808", "18446744073709551616", "1" * 400, "-0",
                   "123456789012345678901234567890.5"]
    for method, path, make in bodies:
        for number in raw_numbers:
            text = json.dumps(make("__N__")).replace('"__N__"', number)
            status, _ = api(method, path, raw=text.encode(), token=BOB)
            if status >= 500:
                problem(f"numbers: {method} {path} {text[:90]} answered {status}")
    # Devices' numbers: extremes in every numeric OsmAnd field, then every view of that vehicle must still answer.
    imei = "356307042440004"
    device_vehicle = add_vehicle(BOB, "ATK-DEVNUM", imei)
    base = now_ms() - 1_800_000
    for k, field in enumerate(("speed", "bearing", "altitude", "accuracy", "hdop", "batt", "timestamp")):
        for j, value in enumerate(("1e308", "-1e308", "1.7976931348623157e308", "4.9e-324", "9223372036854775807", "-0")):
            params = {"id": imei, "lat": "44.1", "lon": "26.1", "timestamp": str((base + (k * 10 + j) * 1000) // 1000)}
            params[field] = value
            status = osmand(params)
            if status is None or status >= 500:
                problem(f"numbers: OsmAnd {field}={value} answered {status}")
    time.sleep(2)
    for path in (f"/api/fleet/vehicles/{device_vehicle}/track?from={iso(base - 60_000)}", f"/api/map/gps?vehicleId={device_vehicle}",
                 f"/api/fleet/nearby?lat=44.1&long=26.1&radiusKm=10"):
        status, answer = api("GET", path, token=BOB)
        if status != 200 or answer is None:
            problem(f"numbers: after extreme device numbers GET {path[:60]} answered {status}")
    # A huge matrix request and a deep JSON nesting.
    status, _ = api("POST", "/api/routes/matrix", raw=json.dumps({"sources": [{"lat": 44, "long": 26}] * 1000,
                                                                   "destinations": [{"lat": 44, "long": 26}] * 1000}).encode(), token=BOB)
    if status != 400:
        problem(f"numbers: a 1,000 x 1,000 matrix answered {status}, not 400 (answer size cap)")
    status, _ = api("POST", "/api/fleet/add", raw=b"[" * 50_000 + b"]" * 50_000, token=BOB)
    if status >= 500 and status != 413:
        problem(f"numbers: deeply nested JSON answered {status}")
    invariants("boundary numbers")


def attack_fences():
    """Hostile geofences and webhooks: huge, degenerate and self-intersecting areas, poison in names and URLs."""
    ring = [[26 + 0.01 * math.cos(i / 10_001 * 2 * math.pi), 44 + 0.01 * math.sin(i / 10_001 * 2 * math.pi)] for i in range(10_001)]
    cases = [
        ({"name": "huge", "area": {"type": "polygon", "coordinates": [ring + [ring[0]]]}}, (400, 413)),
        ({"name": "bowtie", "area": {"type": "polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}}, (400,)),
        ({"name": "flat", "area": {"type": "polygon", "coordinates": [[[0, 0], [1, 1], [2, 2], [0, 0]]]}}, (400,)),
        ({"name": "spike", "area": {"type": "polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [1, 0], [0, 0]]]}}, (400,)),
        ({"name": "point line", "area": {"type": "corridor", "line": [[26, 44], [26, 44]], "widthMeters": 10}}, (400,)),
        ({"name": "holes", "area": {"type": "polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]] * 5000}}, (400, 413)),
        ({"name": "nested", "area": {"type": "polygon", "coordinates": [[[[[[0]]]]]]}}, (400,)),
        ({"name": "a\u0000b", "area": {"type": "circle", "center": {"lat": 44, "long": 26}, "radiusMeters": 50}}, (400,)),
        ({"name": "x" * 5000, "area": {"type": "circle", "center": {"lat": 44, "long": 26}, "radiusMeters": 50}}, (400,)),
    ]
    for body, expected in cases:
        status, answer = api("POST", "/api/geofences", body=body, token=BOB)
        if status not in expected:
            problem(f"fences: {body['name'][:20]!r} answered {status} {str(answer)[:120]}, not {expected}")
    status, _ = api("POST", "/api/geofences", raw=b'{"name":"big","area":{"type":"polygon","coordinates":[[' + b"[26.1,44.1]," * 200_000 + b'[26.1,44.1]]]}}',
                    token=BOB)
    if status != 413:
        problem(f"fences: a 2.4 MB body answered {status}, not 413")
    for url in ("javascript:alert(1)", "http://", "http://user:pw@example.com/h", "http://example.com/\u0000", "ftp://example.com/",
                "http://" + "a" * 3000 + ".com/"):
        status, _ = api("POST", "/api/webhooks", body={"url": url, "secret": "s" * 20}, token=BOB)
        if status != 400:
            problem(f"fences: webhook URL {url[:40]!r} answered {status}, not 400")
    status, _ = api("POST", "/api/webhooks", body={"url": "https://hooks.example/x", "secret": "0123456789\u0000abcdef"}, token=BOB)
    if status != 400:
        problem(f"fences: a webhook secret with NUL answered {status}, not 400")
    invariants("hostile geofences and webhooks")


def attack_pricing():
    """Hostile cost settings, loads at the ends of the earth, a flood of market deals and analyses."""
    good = {"driverPay": 15, "fuel": 0.4, "maintenance": 0.1, "tolls": 0.2, "insurance": 3}
    hostile = [
        {"driverPay": 1e308}, {"fuelPricePerLitre": -1}, {"perDiemPerNight": 1e12}, {"currency": "\u20ac"},
        {"tollRates": {f"A{chr(65 + i % 26)}{i}": {"van": 1} for i in range(61)}}, {"tollRates": {"R\u0000": {"van": 1}}},
        {"tollRates": {"RO": {"van": float("inf")}}}, {"fuelConsumption": {"van": {"empty": {"deep": [1]}, "loaded": 1}}},
        {"fuelConsumption": {"van": {"empty": 0, "loaded": 0}}}, {"eurToRon": 0},
    ]
    for change in hostile:
        body = dict(good, **change)
        raw = json.dumps(body, allow_nan=True).encode()
        status, _ = api("PUT", "/api/settings/costs", raw=raw, token=BOB)
        if status not in (400, 413):
            problem(f"pricing: settings {str(change)[:60]} answered {status}, not 400")
    status, _ = api("PUT", "/api/settings/costs", raw=b'{"driverPay": NaN, "fuel": 1, "maintenance": 1, "tolls": 1, "insurance": 1}', token=BOB)
    if status != 400:
        problem(f"pricing: NaN in settings answered {status}, not 400")
    for path in ("/api/cargo/" + "x" * 65 + "/cost-analysis", "/api/cargo/a%00b/cost-analysis", "/api/cargo/ok/cost-analysis?vehicleId=';--"):
        status, _ = api("GET", path, token=BOB)
        if status not in (400, 404):
            problem(f"pricing: {path[:50]} answered {status}, not 400/404")
    # A load from one end of the earth to the other: no graph, the heuristic; days of driving, rests and nights.
    cargo = {"pickup": {"lat": 89.9, "long": 179.9}, "delivery": {"lat": -89.9, "long": -179.9}, "weight": 100000,
             "loadingDate": iso(now_ms() + 3_600_000), "totalPrice": 10_000_000}
    status, _ = api("PUT", "/api/cargo/attack-far", body=cargo, token=SERVICE)
    if status != 200:
        problem(f"pricing: the far load answered {status}")
    status, answer = api("GET", "/api/cargo/attack-far/cost-analysis", token=BOB)
    if status not in (200, 422):
        problem(f"pricing: the far load's analysis answered {status} {str(answer)[:120]}")
    # Deals: a flood (rate limits may answer 429), then a quote over them.
    codes = {}
    for i in range(400):
        deal = {"id": f"atk-{i}", "origin": {"lat": 44.4, "long": 26.1, "country": "RO"}, "destination": {"lat": 46.7, "long": 23.6},
                "date": iso(now_ms())[:10], "weight": 1000 + i, "price": 100 + i}
        status, _ = api("POST", "/api/market/deals", body=deal, token=SERVICE)
        codes[status] = codes.get(status, 0) + 1
    if set(codes) - {201, 429}:
        problem(f"pricing: deals answered {codes}")
    status, _ = api("POST", "/api/market/deals", body={"origin": {"lat": 1, "long": 1}}, token=BOB)
    if status not in (400, 403):
        problem(f"pricing: a carrier's deal answered {status}, not 403")
    status, answer = api("POST", "/api/cargo/attack-far/quote-suggestion", token=BOB)
    if status not in (200, 422, 429):
        problem(f"pricing: the quote answered {status} {str(answer)[:120]}")
    for i in range(300):
        api("GET", f"/api/cargo/attack-far/cost-analysis?vehicleId=00000000-0000-0000-0000-{i:012d}", token=BOB)
    invariants("hostile pricing")


def attack_slowloris():
    """Connections that send a valid prefix a byte a second on every port must be closed, not kept forever."""
    imei = b"356307042441013"
    trickles = {
        "api": (HTTP, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 60),
        "osmand": (OSMAND, b"GET /?id=356307042441013&lat=1 HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 60),
        # The IMEI's length, then the IMEI a digit at a time: a handshake that never ends.
        "teltonika": (TELTONIKA, b"\x00\x0f" + imei),
        # A GT06 login frame's start, then its terminal id a byte at a time.
        "gt06": (GT06, b"\x78\x78\x0d\x01\x03\x56\x30\x70\x42\x44\x10\x13"),
        # A Ruptela frame's length, then its payload a byte at a time.
        "ruptela": (RUPTELA, b"\x00\x40" + b"\x00" * 64),
    }
    results = {}
    lock = threading.Lock()

    def loris(name, port, sequence):
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        started = time.time()
        closed_after = None
        position = 0
        s.settimeout(1.0)
        while time.time() - started < 40:
            try:
                if position < len(sequence):
                    s.sendall(sequence[position:position + 1])
                    position += 1
                if s.recv(1024) == b"":
                    closed_after = time.time() - started
                    break
            except socket.timeout:
                continue
            except OSError:
                closed_after = time.time() - started
                break
        s.close()
        with lock:
            results.setdefault(name, []).append(closed_after)

    threads = [threading.Thread(target=loris, args=(name, port, sequence))
               for name, (port, sequence) in trickles.items() for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name in trickles:
        times = results.get(name, [])
        if any(t is None for t in times):
            problem(f"slowloris: a trickling connection on the {name} port was still open after 40 s")
        elif max(times) > SLOW_CLOSE_SECONDS:
            problem(f"slowloris: the {name} port held a trickling connection {max(times):.1f} s (timeouts are 3 s here)")
        else:
            print(f"attack: slowloris on {name}: {len(times)} connections closed after {max(times):.1f} s at most")
    invariants("slowloris")


def attack_flood():
    """One device sends valid frames as fast as it can and never reads an ACK: memory must stay bounded."""
    imei = "356307042440002"
    vehicle = add_vehicle(ALICE, "ATK-FLOOD", imei)
    s = socket.create_connection(("127.0.0.1", TELTONIKA), timeout=10)
    s.sendall(teltonika_login(imei))
    s.recv(1)
    base = now_ms() - 2 * 3_600_000
    sent_bytes, peak = 0, rss_mb()
    s.settimeout(0.5)
    started = time.time()
    k = 0
    while sent_bytes < 150 * 1024 * 1024 and time.time() - started < 40:
        frame = teltonika_frame([(base + (k * 25 + j) * 10, 44.0 + (k % 1000) * 1e-5, 26.0, 50) for j in range(25)])
        k += 1
        try:
            s.sendall(frame)
            sent_bytes += len(frame)
        except socket.timeout:
            # The server stopped reading: backpressure reached TCP. That is the point.
            peak = max(peak, rss_mb())
            if time.time() - started > 20:
                break
        except OSError:
            break  # closed for flooding: also allowed
        if k % 200 == 0:
            peak = max(peak, rss_mb())
    s.close()
    peak = max(peak, rss_mb())
    print(f"attack: flood: {sent_bytes / 1048576:.0f} MB sent in {time.time() - started:.0f} s, daemon RSS peak {peak:.0f} MB")
    if peak > baseline_rss + RSS_BOUND_MB:
        problem(f"flood: RSS peaked at {peak:.0f} MB, over {baseline_rss:.0f} + {RSS_BOUND_MB} MB")
    invariants("frame flood")


def attack_rebind():
    """A device moves from alice's vehicle to bob's while it sends: every acknowledged position lands in
    exactly one history, and none sent after the move in alice's."""
    imei = "356307042440003"
    first = add_vehicle(ALICE, "ATK-REBIND-A", imei)
    base = now_ms() - 3_000_000
    acked_before = 0
    device = Device(imei)
    for k in range(20):
        if device.send([(base + k * 1000, 45.0 + k * 1e-4, 25.0, 40)]) == 1:
            acked_before += 1
    status, _ = api("PUT", f"/api/fleet/vehicles/{first}", {"gpsDeviceId": None}, token=ALICE)
    if status != 200:
        problem(f"rebind: unbinding answered {status}")
    second = add_vehicle(BOB, "ATK-REBIND-B", imei)
    moved_at = base + 100_000
    acked_after = 0
    for k in range(20):
        try:
            ack = device.send([(moved_at + k * 1000, 46.0 + k * 1e-4, 24.0, 40)])
        except OSError:
            ack = None
        if ack is None:
            device.close()
            device = Device(imei)
            ack = device.send([(moved_at + k * 1000, 46.0 + k * 1e-4, 24.0, 40)]) if device.accepted else None
        if ack == 1:
            acked_after += 1
    device.close()
    in_first = wait_track(ALICE, first, acked_before, since_ms=base - 1000)
    time.sleep(1)
    status, answer = api("GET", f"/api/fleet/vehicles/{first}/track?from={iso(moved_at)}&to={iso(now_ms() + 60_000)}", token=ALICE)
    leaked = answer.get("pointCount", 0) if status == 200 and answer else 0
    in_second = wait_track(BOB, second, acked_after, since_ms=moved_at - 1000)
    if in_first < acked_before:
        problem(f"rebind: alice's vehicle has {in_first} of {acked_before} positions acknowledged before the move")
    if leaked:
        problem(f"rebind: {leaked} positions sent after the move landed in alice's vehicle")
    if in_second != acked_after:
        problem(f"rebind: bob's vehicle has {in_second} positions, {acked_after} were acknowledged after the move")
    print(f"attack: rebind: {acked_before} before the move in alice's history, {acked_after} after it in bob's")
    invariants("rebinding race")


def attack_archive():
    """A tampered manifest must be refused before anything touches the database."""
    archive = os.path.join(WORK, "data", "archive")
    os.makedirs(archive, exist_ok=True)
    manifest = {
        "format": "geofleet.positions.archive", "version": 1, "partition": "positions", "rangeStart": "2020-01-01T00:00:00Z",
        "rangeEnd": "2020-01-02T00:00:00Z", "file": "../../../etc/passwd", "generation": 1, "encoding": "x", "compression": "zstd",
        "columns": [], "rows": 1, "vehicleCount": 1, "vehicleKeys": [1], "compressedBytes": 1, "sha256": "0" * 64,
        "tableBytes": 1, "createdAt": "2020-01-02T00:00:00Z", "erasures": [],
    }
    path = os.path.join(archive, "positions_p20200101.manifest.json")
    refused = True
    for variant in ({}, {"partition": "positions_p20200101; DROP TABLE positions"}, {"partition": "positions_p20200101", "file": "/etc/passwd"}):
        with open(path, "w") as f:
            json.dump(dict(manifest, **variant), f)
        env = dict(os.environ)
        for pair in os.environ["ATTACK_CLI_ENV"].split():
            key, value = pair.split("=", 1)
            env[key] = value
        run = subprocess.run([os.path.join(BIN, "geofleet"), "archive", "restore", "--from", "2020-01-01", "--to", "2020-01-02"],
                             env=env, capture_output=True, text=True, timeout=120)
        said = (run.stdout + run.stderr).strip().splitlines()
        reason = said[-1] if said else ""
        if run.returncode == 0:
            refused = False
            problem(f"archive: a tampered manifest {variant or 'partition=positions'} was restored")
        elif "manifest" not in reason.lower():
            refused = False
            problem(f"archive: the restore failed, but not on the manifest: {reason[:200]}")
        else:
            print(f"attack: archive: refused: {reason[:160]}")
    os.remove(path)
    if refused:
        print("attack: archive: tampered manifests refused")
    invariants("tampered archive manifest")


def attack_claim():
    """A guessed IMEI must not bind someone else's tracker: junk and guessed claim codes are refused (never a
    server error), guessing locks the device, the code the operator printed works once the lock is lifted by
    a new code, and the attempts are in the guesser's own audit log only."""
    imei = "356307042440011"
    env = dict(os.environ)
    for pair in os.environ["ATTACK_CLI_ENV"].split():
        key, value = pair.split("=", 1)
        env[key] = value

    def issue():
        run = subprocess.run([os.path.join(BIN, "geofleet"), "device", "claim-code", imei], env=env, capture_output=True, text=True,
                             timeout=120)
        code = run.stdout.strip().splitlines()[-1] if run.returncode == 0 and run.stdout.strip() else ""
        if run.returncode != 0 or len(code) != 14:
            problem(f"claim: geofleet device claim-code answered {run.returncode}: {(run.stdout + run.stderr)[-200:]}")
        return code

    code = issue()
    # A near miss: the real code with its last character changed (to "y" when it already is "x": codes are case-blind).
    near = code.lower()[:-1] + ("y" if code.lower().endswith("x") else "x")
    guesses = ["", "0000-0000-0000", near, "A" * 5000, "\u0000" * 12, "' OR 1=1 --", "ÄÖÜ-ß€Ł-ŁŁŁŁ", None]
    statuses = []
    for k, guess in enumerate(guesses):
        body = {"type": "truck", "licensePlate": f"ATK-CLM-{k}", "capacity": {"weight": 1000, "volume": 10}, "gpsDeviceId": imei}
        if guess is not None:
            body["claimCode"] = guess
        status, _ = api("POST", "/api/fleet/add", body, token=BOB)
        statuses.append(status)
        if status >= 500 or status in (200, 201):
            problem(f"claim: guess {guess!r:.40} answered {status}")
    if 429 not in statuses:
        problem(f"claim: {len(guesses)} wrong codes never locked the device: {statuses}")
    status, _ = api("POST", "/api/fleet/add", {"type": "truck", "licensePlate": "ATK-CLM-OK", "capacity": {"weight": 1000, "volume": 10},
                                               "gpsDeviceId": imei, "claimCode": code}, token=ALICE)
    if status != 429:
        problem(f"claim: the right code during the lock answered {status}, not 429")
    code = issue()
    status, _ = api("POST", "/api/fleet/add", {"type": "truck", "licensePlate": "ATK-CLM-OK", "capacity": {"weight": 1000, "volume": 10},
                                               "gpsDeviceId": imei, "claimCode": code}, token=ALICE)
    if status != 201:
        problem(f"claim: the re-issued code answered {status}, not 201")
    status, audit = api("GET", "/api/audit?limit=5000", token=BOB)
    mine = [e for e in (audit or {}).get("entries", []) if e.get("action") == "vehicle.create" and e.get("status") in (400, 403, 413, 429)]
    if status != 200 or len(mine) < len(guesses) - 1:
        problem(f"claim: bob's audit holds {len(mine)} refused claims of {len(guesses)} ({status})")
    status, audit = api("GET", "/api/audit?limit=5000", token=ALICE)
    if status != 200 or any(e.get("actor") != "attack_alice" for e in (audit or {}).get("entries", [])):
        problem("claim: alice's audit shows another user's entries")
    print(f"attack: claim: {len(guesses)} guesses refused ({sorted(set(statuses))}), the printed code bound the device")
    invariants("claim guessing")


def tls_handshake_failures():
    with urllib.request.urlopen(f"http://127.0.0.1:{HTTP}/metrics", timeout=10) as response:
        text = response.read().decode()
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith("geofleet_tls_handshake_failures_total{"))


def attack_tls():
    """Plain bytes, garbage and stalled half handshakes on TLS ports are closed within the deadline and
    counted; a real TLS client still gets through on both the device port and the API port."""
    before = tls_handshake_failures()
    hello = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"  # a ClientHello's start, then nothing
    probes = {
        "teltonika-plain": (TELTONIKA_TLS, teltonika_login("356307042441013") + teltonika_frame([(now_ms() - 5000, 46.77, 23.59, 50)])),
        "teltonika-garbage": (TELTONIKA_TLS, os.urandom(512)),
        "teltonika-stalled-handshake": (TELTONIKA_TLS, hello),
        "api-stalled-handshake": (HTTP, hello),
    }
    for name, (port, payload) in probes.items():
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        started = time.time()
        s.sendall(payload)
        s.settimeout(SLOW_CLOSE_SECONDS + 5)
        answer = b""
        closed_after = None
        try:
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    closed_after = time.time() - started
                    break
                answer += chunk
        except socket.timeout:
            pass
        except OSError:
            closed_after = time.time() - started
        s.close()
        if closed_after is None:
            problem(f"tls: {name}: the connection was still open after {SLOW_CLOSE_SECONDS + 5} s")
        elif closed_after > SLOW_CLOSE_SECONDS:
            problem(f"tls: {name}: held {closed_after:.1f} s (the handshake deadline is 3 s here)")
        elif name.startswith("teltonika") and answer[:1] == b"\x01":
            problem(f"tls: {name}: plain bytes on the TLS port got a Teltonika answer")
        else:
            print(f"attack: tls {name}: closed after {closed_after:.1f} s")
    after = tls_handshake_failures()
    if after - before < 3:
        problem(f"tls: geofleet_tls_handshake_failures_total grew by {after - before:.0f}, expected at least 3")
    context = ssl.create_default_context(cafile=CA)
    with socket.create_connection(("127.0.0.1", TELTONIKA_TLS), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as device:
            device.sendall(teltonika_login("356307042441013"))
            device.recv(1)  # 0x00 or 0x01: what matters is that the session answered over TLS
    with urllib.request.urlopen(f"https://localhost:{HTTP}/healthz", context=context, timeout=10) as response:
        if response.status != 200 or response.headers.get("Strict-Transport-Security") is None:
            problem("tls: HTTPS /healthz did not answer 200 with HSTS")
    invariants("tls")


def tile_get(path, headers=None, timeout=30):
    request = urllib.request.Request(f"http://127.0.0.1:{HTTP}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers
    except OSError:
        return None, b"", {}


def attack_tiles():
    """Hostile tile paths answer 400 with a JSON message before any work; a flood of distinct tiles from
    several clients is served or refused (503 + Retry-After), never queued without bound: RSS stays bounded."""
    bad = ["/tiles/21/0/0.png", "/tiles/-1/0/0.png", "/tiles/3/8/0.png", "/tiles/3/0/-1.png", "/tiles/a/b/c.png",
           "/tiles/99999999999999999999999999/0/0.png", "/tiles/20/1048576/0.png", "/tiles/1/0/0.jpg",
           "/tiles/1/0/0.png?layer=secret", "/tiles/1/0/1e3.png", "/tiles/1/0/0x1.png", "/tiles/1/%2e%2e/0.png",
           "/tiles/4/" + "9" * 3000 + "/0.png", "/tiles/0/0/00000000.png"]
    for path in bad:
        status, body, _ = tile_get(path)
        if status is None:
            problem(f"tiles: {path[:60]} got no answer")
        elif status == 400:
            try:
                if "error" not in json.loads(body):
                    problem(f"tiles: {path[:60]} answered 400 without an error message")
            except ValueError:
                problem(f"tiles: {path[:60]} answered 400 with a body that is not JSON")
        elif status not in (404, 414, 431):
            problem(f"tiles: {path[:60]} answered {status}, not 400")
    status, body, headers = tile_get("/tiles/2/1/1.png")
    if status != 200 or not body.startswith(b"\x89PNG"):
        problem(f"tiles: a valid tile answered {status}")
        return
    again, _, _ = tile_get("/tiles/2/1/1.png", {"If-None-Match": headers.get("ETag", "")})
    if again != 304:
        problem(f"tiles: If-None-Match with the tile's ETag answered {again}, not 304")
    counts = {}
    lock = threading.Lock()
    peak = [rss_mb()]
    stop = time.time() + 15

    def flood(seed):
        generator = random.Random(seed)
        while time.time() < stop:
            z = generator.randint(14, 20)
            path = f"/tiles/{z}/{generator.randrange(1 << z)}/{generator.randrange(1 << z)}.png"
            if generator.random() < 0.3:
                path += "?layer=restrictions"
            status, _, headers = tile_get(path, timeout=30)
            with lock:
                counts[status] = counts.get(status, 0) + 1
                if status == 503 and not headers.get("Retry-After"):
                    counts["503 without Retry-After"] = counts.get("503 without Retry-After", 0) + 1

    threads = [threading.Thread(target=flood, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        peak[0] = max(peak[0], rss_mb())
        time.sleep(0.2)
    served = counts.get(200, 0)
    print(f"attack: tiles: {sum(counts.values())} distinct-tile requests from 16 clients in 15 s: {counts}; "
          f"daemon RSS peak {peak[0]:.0f} MB")
    if set(counts) - {200, 503}:
        problem(f"tiles: the flood got answers other than 200 and 503: {counts}")
    if served == 0:
        problem("tiles: the flood was never served")
    if counts.get(503, 0) == 0:
        problem("tiles: 16 clients against one render slot and a queue of two were never refused (503)")
    if peak[0] > baseline_rss + RSS_BOUND_MB:
        problem(f"tiles: RSS peaked at {peak[0]:.0f} MB, over {baseline_rss:.0f} + {RSS_BOUND_MB} MB")
    status, _, _ = tile_get("/tiles/2/1/1.png")
    if status != 200:
        problem(f"tiles: after the flood a cached tile answered {status}")
    invariants("tile flood")


def main():
    global canary_vehicle, baseline_rss
    canary_vehicle = add_vehicle(CANARY, "ATK-CANARY", CANARY_IMEI)
    time.sleep(0.5)
    baseline_rss = rss_mb()
    invariants("start")
    attacks = [("poison", attack_poison), ("numbers", attack_numbers), ("fences", attack_fences), ("pricing", attack_pricing),
               ("slowloris", attack_slowloris),
               ("flood", attack_flood), ("rebind", attack_rebind), ("archive", attack_archive), ("claim", attack_claim),
               ("tls", attack_tls), ("tiles", attack_tiles)]
    for name, attack in attacks:
        if ONLY and ONLY != name:
            continue
        try:
            attack()
        except Exception as error:  # an attack that cannot even run is a failure too
            problem(f"{name}: {type(error).__name__}: {error}")
    if problems:
        print(f"attack: {len(problems)} problem(s)", file=sys.stderr)
        sys.exit(1)
    print("attack: all invariants held")


main()
