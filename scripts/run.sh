#!/usr/bin/env bash
# Starts geofleetd with its embedded defaults: a private PostgreSQL + PostGIS cluster
# under ./.geofleet, Teltonika on 5027, the API on 8080. Override with GEOFLEET_* variables.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The daemon and the operator CLI (the quickstart uses .build/release/geofleet for tokens).
swift build -c release --product geofleetd
swift build -c release --product geofleet
# Every device connection is a file descriptor: 1,024 (a common soft limit) would cap the fleet there.
# Raise the soft limit to the hard limit, at least trying 65536 when the hard limit is unlimited.
hard=$(ulimit -Hn)
if [ "$hard" = "unlimited" ]; then ulimit -n 65536 || true; else ulimit -n "$hard" || true; fi
echo "open files limit: $(ulimit -n)" >&2
exec .build/release/geofleetd "$@"
