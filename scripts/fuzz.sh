#!/usr/bin/env bash
# The long fuzz run: millions of mutated real frames through every device decoder (release build).
# Usage: scripts/fuzz.sh [ITERATIONS_PER_TARGET] [SEED]    (defaults: 5000000, 1)
set -euo pipefail
cd "$(dirname "$0")/.."
iterations="${1:-5000000}"
seed="${2:-1}"
swift build -c release --scratch-path .build-release --product geofleet
exec .build-release/release/geofleet fuzz --iterations "$iterations" --seed "$seed" --fixtures fixtures
