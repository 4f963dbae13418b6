#!/usr/bin/env bash
# Fuzzes the HTTP API against its contract, schemas/openapi.yaml, with Schemathesis: starts a private
# geofleetd (embedded PostgreSQL under a temp data dir, free ports on 127.0.0.1), seeds two vehicles with
# positions, a track and a cargo, runs Schemathesis (not_a_server_error, response_schema_conformance,
# status_code_conformance, content_type_conformance; every phase), then a few fixed probes Schemathesis cannot
# make (no/trial tokens, bodies over 64 KiB, inputs that broke the server before, positions still reaching
# PostGIS), stops the server with SIGTERM (it must exit within 30 s) and removes everything.
# Quiet on success; on failure prints what failed and the server's errors, and exits non-zero.
#
#   GEOFLEET_BIN=<dir>               a directory holding built geofleetd and geofleet (else: swift build, debug)
#   GEOFLEET_API_FUZZ_EXAMPLES=<n>   test cases per operation and phase (default 100)
#   GEOFLEET_API_FUZZ_SEED=<n>       Hypothesis seed (default fixed, for repeatable runs; "random" for a new one)
#   GEOFLEET_API_FUZZ_VENV=<dir>     where Schemathesis is installed (default .venv-api-fuzz/)
#   -v                               show Schemathesis' output even on success
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
verbose=0
[ "${1:-}" = "-v" ] && verbose=1
venv=${GEOFLEET_API_FUZZ_VENV:-$root/.venv-api-fuzz}
requirements=$root/scripts/requirements-api-fuzz.txt
examples=${GEOFLEET_API_FUZZ_EXAMPLES:-100}
seed=${GEOFLEET_API_FUZZ_SEED:-20260501}
secret=api-fuzz-secret-0123456789abcdef-0123456789
tool=api-fuzz
# shellcheck source-path=SCRIPTDIR source=lib/private-daemon.sh
. "$root/scripts/lib/private-daemon.sh"

# 1. Schemathesis in its own venv, reinstalled when the pins change.
stamp=$venv/.requirements.sha256
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ ! -x "$venv/bin/schemathesis" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    rm -rf "$venv"
    if ! "$python" -m venv "$venv" >"$work/venv.log" 2>&1; then
        # Debian's python3 needs python3-venv (ensurepip) to make venvs.
        rm -rf "$venv"
        command -v apt-get >/dev/null || fail "cannot create a venv with $python: $(cat "$work/venv.log")"
        sudo_cmd=""
        [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
        export DEBIAN_FRONTEND=noninteractive
        { $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq --no-install-recommends python3-venv; } \
            >"$work/apt.log" 2>&1 || fail "installing python3-venv failed: $(tail -5 "$work/apt.log")"
        "$python" -m venv "$venv" >"$work/venv.log" 2>&1 || fail "cannot create a venv: $(cat "$work/venv.log")"
    fi
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >"$work/pip.log" 2>&1 \
        || { rm -rf "$venv"; fail "pip install failed: $(tail -20 "$work/pip.log")"; }
    echo "$want" >"$stamp"
fi

# 2. The binaries.
resolve_binaries

# 3. A private server with a real road graph (Monaco), so route answers come from the router as well as the heuristic.
daemon_extra_env() {
    export GEOFLEET_OSM=$root/fixtures/osm/monaco.osm.pbf GEOFLEET_ROUTING_PROFILES=car,articulated
}
start_private_daemon

# 4. A pro token, seeded vehicles, and the spec with their ids as examples for `{id}` and `vehicleId`.
token=$(private_token fuzz_user --plan pro)
[ -n "$token" ] || fail "geofleet token printed nothing"
# The marketplace's service token, to seed open cargo (Schemathesis itself runs with the pro token: 403 on cargo sync).
service_token=$(private_token fuzz_market --plan pro --role service)
"$venv/bin/python" - "$base" "$token" "$root/schemas/openapi.yaml" "$work/openapi.json" "$service_token" >"$work/seed.log" 2>&1 <<'EOF' \
    || fail "seeding failed: $(cat "$work/seed.log")"
import datetime, json, sys, time, urllib.request, urllib.error
import yaml

base, token, spec_in, spec_out, service_token = sys.argv[1:6]

def call(method, path, body=None, expect=200, bearer=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers={
        "Authorization": "Bearer " + (bearer or token), "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    if status != expect:
        raise SystemExit(f"{method} {path} {body!r}: {status} {text!r}")
    return json.loads(text)

def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"

a = call("POST", "/api/fleet/add", {
    "type": "truck", "licensePlate": "FUZZ-A1", "capacity": {"weight": 24000, "volume": 90},
    "gpsDeviceId": "356307042441013", "driverId": "driver_1"}, expect=201)["vehicleId"]
b = call("POST", "/api/fleet/add", {
    "type": "van", "licensePlate": "FUZZ-B2", "capacity": {"weight": 3500, "volume": 12},
    "manualPosition": {"lat": 48.137, "long": 11.575, "address": "Marienplatz, München"}}, expect=201)["vehicleId"]
# A: an hour's drive through Berlin ending in a 20-minute stop, then a cargo (so DELETE answers 409).
now = datetime.datetime.now(datetime.timezone.utc)
route = [(52.500, 13.300), (52.505, 13.320), (52.510, 13.345), (52.515, 13.370), (52.520, 13.400)]
for k, (lat, lon) in enumerate(route):
    call("PUT", f"/api/fleet/vehicles/{a}/position",
         {"lat": lat, "long": lon, "timestamp": iso(now - datetime.timedelta(minutes=60 - 8 * k))})
for minutes in (20, 12, 4):
    call("PUT", f"/api/fleet/vehicles/{a}/position",
         {"lat": 52.5201, "long": 13.4001, "address": "Alexanderplatz", "timestamp": iso(now - datetime.timedelta(minutes=minutes))})
call("PUT", f"/api/fleet/vehicles/{a}", {
    "currentCargoId": "cargo_fuzz_1",
    "currentCargo": {"pickup": {"lat": 52.52, "long": 13.40, "address": "Berlin"}, "delivery": {"lat": 48.14, "long": 11.58}}})
# The track reads PostGIS, which the history writer fills shortly after.
deadline = time.time() + 20
while time.time() < deadline and call("GET", f"/api/fleet/vehicles/{a}/track")["pointCount"] < len(route) + 3:
    time.sleep(0.2)

# Open cargo in Monaco (routed on the built-in graph) and in Berlin (the heuristic), and a vehicle near the first.
monaco_load = {"pickup": {"lat": 43.7310, "long": 7.4200}, "delivery": {"lat": 43.7450, "long": 7.4260}, "weight": 8000,
               "totalPrice": 400, "loadingDate": iso(now), "loadingDateEnd": iso(now + datetime.timedelta(hours=8))}
call("PUT", "/api/cargo/cargo_fuzz_open", monaco_load, bearer=service_token)
call("PUT", "/api/cargo/cargo_fuzz_berlin", dict(monaco_load, pickup={"lat": 52.51, "long": 13.39}), bearer=service_token)
c = call("POST", "/api/fleet/add", {
    "type": "truck", "licensePlate": "FUZZ-C3", "capacity": {"weight": 24000, "volume": 90},
    "manualPosition": {"lat": 43.7380, "long": 7.4230}}, expect=201)["vehicleId"]
call("PUT", "/api/match/marketplace", {"optIn": True})
call("PUT", "/api/fleet/cost-settings", {"driverPay": 15, "fuel": 0.44, "maintenance": 0.12, "tolls": 0.18, "insurance": 3})
found = call("GET", f"/api/match/vehicles/{c}/cargo")["suggestions"]
if not found or found[0]["cargoId"] != "cargo_fuzz_open":
    raise SystemExit(f"no suggestion for the Monaco truck: {found!r}")

with open(spec_in, encoding="utf-8") as f:
    spec = yaml.safe_load(f)
spec["components"]["parameters"]["CargoId"]["examples"] = {"open": {"value": "cargo_fuzz_open"}}
spec["paths"]["/api/match/cargo"]["post"]["requestBody"]["content"]["application/json"]["examples"] = {
    "indexed": {"value": {"cargoId": "cargo_fuzz_open"}},
    "marketplace": {"value": {"cargoId": "cargo_fuzz_open", "scope": "marketplace"}}}
spec["paths"]["/api/match/feedback"]["post"]["requestBody"]["content"]["application/json"]["examples"] = {
    "shown": {"value": {"suggestionId": found[0]["id"], "feedbackType": "up"}}}
ids = {"truck": {"value": a}, "van": {"value": b}, "monaco": {"value": c}}
spec["components"]["parameters"]["VehicleId"]["examples"] = ids
for path in ("/api/map/gps", "/api/stream"):
    for parameter in spec["paths"].get(path, {}).get("get", {}).get("parameters", []):
        if parameter["name"] == "vehicleId":
            parameter["examples"] = ids
with open(spec_out, "w", encoding="utf-8") as f:
    json.dump(spec, f)
EOF

# 5. Schemathesis: every phase (examples; coverage, which sends each bound of the spec's minimum/maximum,
#    one past it and the type's extremes; fuzzing; stateful over the spec's links), valid and invalid data.
failures=()
seed_args=(--seed "$seed")
[ "$seed" = random ] && seed_args=()
st_status=0
# One worker: with two, Schemathesis' data generator now and then fails on its own cache (a KeyError keyed by
# source lines, reported as FlakyFailure on an operation): a race in the tool, not a finding.
(cd "$work" && "$venv/bin/schemathesis" run "$work/openapi.json" \
    --url "$base" -H "Authorization: Bearer $token" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
    --phases examples,coverage,fuzzing,stateful --mode all \
    --max-examples "$examples" "${seed_args[@]}" --workers 1 --request-timeout 30 \
    --generation-database none --no-color) >"$work/schemathesis.log" 2>&1 || st_status=$?
if [ $st_status -ne 0 ]; then
    failures+=("Schemathesis found failures (exit $st_status; $(grep -o 'Seed: [0-9]*' "$work/schemathesis.log" || echo 'no seed'))")
fi

# 6. What Schemathesis does not send: no, invalid or trial tokens, bodies over 64 KiB, inputs that broke the
#    server before; then whether positions sent through the API still reach PostGIS after all of it.
trial=$(private_token fuzz_user --plan trial)
"$venv/bin/python" - "$base" "$token" "$trial" >"$work/probes.log" 2>&1 <<'PY' || failures+=("contract probes failed")
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
PY

# 7. Stop the server as an operator would.
kill -TERM "$server_pid" 2>/dev/null || true
for _ in $(seq 1 300); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server_pid" 2>/dev/null; then
    failures+=("geofleetd did not stop within 30 s of SIGTERM")
    kill -KILL "$server_pid" 2>/dev/null || true
fi
wait "$server_pid" 2>/dev/null || true
server_pid=""

if [ ${#failures[@]} -gt 0 ]; then
    if [ $st_status -ne 0 ] || [ $verbose -eq 1 ]; then cat "$work/schemathesis.log" >&2; fi
    if [ -s "$work/probes.log" ]; then
        echo "--- contract probes ---" >&2
        cat "$work/probes.log" >&2
    fi
    echo "--- geofleetd errors and warnings (last 20) ---" >&2
    grep -E ' (error|warning|critical) ' "$work/geofleetd.log" | tail -20 | cut -c1-400 >&2 || true
    for f in "${failures[@]}"; do echo "api-fuzz: $f" >&2; done
    exit 1
fi
if [ $verbose -eq 1 ]; then cat "$work/schemathesis.log"; fi
exit 0
