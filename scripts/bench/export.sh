#!/usr/bin/env bash
# GDPR export benchmark: `geofleet-bench export` loads a month of one truck (one fix every 5 s: 518,400
# rows over 30 daily partitions) into a private cluster and times the export in every format against a
# raw binary `COPY (SELECT … the same rows …) TO STDOUT` in the same run; then archives the oldest
# ARCHIVED_DAYS days (partitions dropped) and exports again (archive files read in-process).
# Usage: scripts/bench/export.sh [DAYS=30] [INTERVAL_SECONDS=5] [ARCHIVED_DAYS=15] [RUNS=3]
#        (CONFIG=debug for a debug build, SKIP_BUILD=1 to use the built binary)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
days=${1:-30}
interval=${2:-5}
archived=${3:-15}
runs=${4:-3}
build_products geofleet-bench
make_work_dir export-bench
start_private_cluster -c shared_buffers=512MB -c max_wal_size=4GB
psql -X -q -h "$work" -U postgres -d postgres -c "CREATE DATABASE geofleet" >/dev/null
export GEOFLEET_DATA_DIR="$work/geofleet" GEOFLEET_ARCHIVE_DIR="$work/archive"
export GEOFLEET_DATABASE_URL="postgresql:///geofleet?host=$work&port=5432&user=postgres"
step "geofleet-bench export ($config build): $days days, a fix every $interval s, then $archived days archived; best of $runs"
"$bin/geofleet-bench" export --days "$days" --interval "$interval" --archived-days "$archived" --runs "$runs"
