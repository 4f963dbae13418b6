#!/usr/bin/env bash
# Starts geofleetd with its embedded defaults (CONTRACT.md): a private PostgreSQL + PostGIS cluster
# under ./.geofleet, Teltonika on 5027, the API on 8080. Override with GEOFLEET_* variables.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product geofleetd
exec .build/release/geofleetd "$@"
