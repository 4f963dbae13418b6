"""Cross-node freshness probe: how long after node A acknowledged a fix node B shows it.

Every INTERVAL seconds it sends one OsmAnd fix with a fresh millisecond timestamp for the probe device to
node A's OsmAnd port, and once A answers 200 (the ACK: the fix is in A's spool) polls node B's
`GET /api/map/gps` until the probe vehicle's position carries that timestamp. ACK -> visible on B is the
latency; a fix not visible within TIMEOUT seconds is a miss. Probes run one at a time (the next is sent
once the previous is seen or missed, and not before its slot), so a slow node only lowers the count.

Prints count, misses, p50/p90/p99/max (ms) as `key: value` lines and writes them, with every sample, as
JSON to --out.

Usage: python3 scripts/bench/cluster_freshness.py --osmand-url http://127.0.0.1:PORT \
    --api-url http://127.0.0.1:PORT --token JWT --device-id IMEI --vehicle-id UUID \
    [--duration 60] [--interval 0.1] [--timeout 5] [--poll 0.005] [--out result.json]
"""
import argparse
import datetime
import http.client
import json
import math
import sys
import time
import urllib.parse


def percentile(sorted_values, q):
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


class Client:
    """One keep-alive HTTP connection, reopened after an error."""

    def __init__(self, url, timeout):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port, self.timeout = parsed.hostname, parsed.port or 80, timeout
        self.conn = None

    def get(self, path, headers=None):
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.conn.request("GET", path, headers=headers or {})
                response = self.conn.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--osmand-url", required=True, help="node A's OsmAnd base URL")
    parser.add_argument("--api-url", required=True, help="node B's API base URL")
    parser.add_argument("--token", required=True, help="Bearer token of the probe vehicle's owner")
    parser.add_argument("--device-id", required=True, help="the probe vehicle's gpsDeviceId")
    parser.add_argument("--vehicle-id", required=True, help="the probe vehicle's id")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of probing")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between probe sends")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds a fix may take to appear on B")
    parser.add_argument("--poll", type=float, default=0.005, help="seconds between polls of B")
    parser.add_argument("--lat", type=float, default=46.77)
    parser.add_argument("--lon", type=float, default=23.59)
    parser.add_argument("--out", help="JSON result file")
    args = parser.parse_args()

    osmand = Client(args.osmand_url, 5)
    api = Client(args.api_url, 5)
    auth = {"Authorization": f"Bearer {args.token}"}
    samples, misses, refused, errors = [], 0, 0, 0
    sent = 0
    start = time.monotonic()
    next_slot = start
    while time.monotonic() - start < args.duration:
        now = time.monotonic()
        if now < next_slot:
            time.sleep(next_slot - now)
        next_slot += args.interval
        sent += 1
        # A fresh timestamp (ms) and a step of ~0.5 m, so that no filter takes it for a duplicate or a jump.
        fix_ms = int(time.time() * 1000)
        lat = args.lat + (sent % 2) * 0.000005
        query = urllib.parse.urlencode({"id": args.device_id, "lat": f"{lat:.6f}", "lon": f"{args.lon:.6f}",
                                        "timestamp": fix_ms, "speed": 10})
        try:
            status, _ = osmand.get("/?" + query)
        except (OSError, http.client.HTTPException):
            errors += 1
            continue
        acked = time.monotonic()
        if status != 200:
            refused += 1
            continue
        want = datetime.datetime.fromtimestamp(fix_ms / 1000, datetime.timezone.utc)
        seen = None
        while time.monotonic() - acked < args.timeout:
            try:
                status, body = api.get("/api/map/gps", auth)
            except (OSError, http.client.HTTPException):
                errors += 1
                time.sleep(args.poll)
                continue
            if status == 200:
                for position in json.loads(body).get("positions", []):
                    if position.get("vehicleId") != args.vehicle_id:
                        continue
                    stamp = datetime.datetime.fromisoformat(position["timestamp"].replace("Z", "+00:00"))
                    if stamp >= want:
                        seen = time.monotonic()
                    break
            if seen is not None:
                break
            time.sleep(args.poll)
        if seen is None:
            misses += 1
        else:
            samples.append((seen - acked) * 1000)

    ordered = sorted(samples)
    result = {
        "sent": sent,
        "count": len(samples),
        "misses": misses,
        "refused": refused,
        "errors": errors,
        "timeout_seconds": args.timeout,
        "interval_seconds": args.interval,
        "p50_ms": percentile(ordered, 50),
        "p90_ms": percentile(ordered, 90),
        "p99_ms": percentile(ordered, 99),
        "max_ms": ordered[-1] if ordered else None,
        "samples_ms": [round(s, 3) for s in samples],
    }
    for key in ("sent", "count", "misses", "refused", "errors", "p50_ms", "p90_ms", "p99_ms", "max_ms"):
        value = result[key]
        print(f"freshness_{key}: {value:.1f}" if isinstance(value, float) else f"freshness_{key}: {value}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            json.dump(result, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
