#!/usr/bin/env python3
"""Contract probes against the private daemon after the Schemathesis run. Called by scripts/api-fuzz.sh."""
import json, re, sys, time, urllib.request, urllib.error

base, token, trial = sys.argv[1:4]
problems = []
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

def call(method, path, body=None, raw=None, auth="Bearer " + token):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    headers = {"Content-Type": "application/json"}
    if auth is not None:
        headers["Authorization"] = auth
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text, ctype = response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        status, text, ctype = error.code, error.read(), error.headers.get("Content-Type", "")
    except (urllib.error.URLError, OSError) as error:
        status, text, ctype = 0, repr(error).encode(), ""
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    return status, parsed, text, ctype

def expect(what, statuses, method, path, **kw):
    status, parsed, text, ctype = call(method, path, **kw)
    if status not in statuses:
        problems.append(f"{what}: {method} {path} answered {status} (expected {'/'.join(map(str, statuses))}): {text[:160]!r}")
    elif status >= 400 and not (ctype.startswith("application/json") and isinstance(parsed, dict)
                                and list(parsed) == ["error"] and isinstance(parsed["error"], str)):
        problems.append(f"{what}: {method} {path} answered {status} without {{\"error\": string}}: {ctype} {text[:160]!r}")
    return status, parsed

# Routes: the built-in graph answers inside Monaco, a point at sea is a clear 422, a matrix over the limit a 400.
monaco = {"from": {"lat": 43.731, "long": 7.42}, "to": {"lat": 43.745, "long": 7.426}, "profile": "car"}
status, parsed = expect("route in the graph", [200], "POST", "/api/routes/estimate", body=monaco)
if status == 200 and (parsed.get("provider") != "builtin" or not 2900 < parsed.get("distanceMeters", 0) < 3300):
    problems.append(f"route in the graph: unexpected answer {parsed}")
expect("route to the sea", [422], "POST", "/api/routes/estimate",
       body={"from": monaco["from"], "to": {"lat": 43.712, "long": 7.46}})
point = {"lat": 43.74, "long": 7.42}
expect("matrix over the cell cap", [400], "POST", "/api/routes/matrix",
       body={"sources": [point] * 1001, "destinations": [point] * 1000})

def add(plate):
    status, parsed, text, _ = call("POST", "/api/fleet/add", {
        "type": "van", "licensePlate": plate, "capacity": {"weight": 1000, "volume": 5}})
    if status != 201:
        raise SystemExit(f"POST /api/fleet/add {plate}: {status} {text[:200]!r}")
    return parsed["vehicleId"]

expect("no token", [401], "GET", "/api/fleet/vehicles", auth=None)
expect("not a bearer token", [401], "GET", "/api/fleet/vehicles", auth="Basic Zm9vOmJhcg==")
expect("invalid token", [401], "GET", "/api/fleet/vehicles", auth="Bearer not.a.jwt")
expect("trial plan", [403], "GET", "/api/map/gps", auth="Bearer " + trial)
big = json.dumps({"type": "van", "licensePlate": "BIG", "capacity": {"weight": 1, "volume": 1},
                  "manualPosition": {"lat": 1, "long": 1, "address": "x" * 70_000}}).encode()
expect("body over 64 KiB", [413], "POST", "/api/fleet/add", raw=big)
probe = add("PROBE-1")
expect("body over 64 KiB", [413], "PUT", f"/api/fleet/vehicles/{probe}/position", raw=big)
expect("plain GET of the WebSocket stream", [400, 426], "GET", "/api/stream")
expect("NUL in search", [200, 400], "GET", "/api/fleet/vehicles?search=a%00b")
expect("NUL in an address", [201, 400], "POST", "/api/fleet/add", body={
    "type": "van", "licensePlate": "PROBE-NUL", "capacity": {"weight": 1, "volume": 1},
    "manualPosition": {"lat": 1, "long": 1, "address": "a\u0000b"}})
status, parsed = expect("year 0000", [200, 400], "GET", f"/api/fleet/vehicles/{probe}/track?to=0000-01-01T00:00:00Z")
if status == 200:
    for key in ("from", "to"):
        if not RFC3339.match(str(parsed.get(key))):
            problems.append(f"year 0000: GET /api/fleet/vehicles/{{id}}/track?to=0000-01-01T00:00:00Z answered "
                            f"{key}={parsed.get(key)!r}, not an RFC 3339 date-time")
expect("timestamp before year 1", [200, 400], "PUT", f"/api/fleet/vehicles/{probe}/position",
       body={"lat": 10, "long": 10, "timestamp": "0001-01-01T00:00:00+01:00"})
status, parsed = expect("latest position", [200], "GET", f"/api/map/gps?vehicleId={probe}")
for p in (parsed or {}).get("positions", []):
    if not RFC3339.match(str(p.get("timestamp"))):
        problems.append(f"timestamp before year 1: GET /api/map/gps answered timestamp={p.get('timestamp')!r}, "
                        "not an RFC 3339 date-time")

# Positions sent now must reach PostGIS (the track) within seconds, whatever came before.
healthy = add("PROBE-2")
call("PUT", f"/api/fleet/vehicles/{healthy}/position", {"lat": 52.0, "long": 13.0})
deadline = time.time() + 20
while True:
    status, parsed, _, _ = call("GET", f"/api/fleet/vehicles/{healthy}/track")
    if status == 200 and parsed["pointCount"] >= 1:
        break
    if time.time() > deadline:
        problems.append("history writer stalled: a position PUT through the API did not reach PostGIS (its track) within 20 s")
        break
    time.sleep(0.25)

for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
