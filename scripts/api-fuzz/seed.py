#!/usr/bin/env python3
"""Seeds the private daemon for the API fuzz run: vehicles, open cargo, the marketplace opt-in, and the
OpenAPI document with their ids as examples. Called by scripts/api-fuzz.sh."""
import datetime, json, sys, time
import os
import yaml

sys.dont_write_bytecode = True  # nothing to leave in scripts/lib
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from api_client import call_api  # noqa: E402

base, token, spec_in, spec_out, service_token = sys.argv[1:6]

def call(method, path, body=None, expect=200, bearer=None):
    return call_api(base, bearer or token, method, path, body, expect)

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
