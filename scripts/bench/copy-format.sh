#!/usr/bin/env bash
# Measures COPY text (what postgres-nio's copyFrom speaks, hex-EWKB geometry) against COPY BINARY
# into the real `positions` table (migration V001, daily partition, btree + BRIN), server-side,
# on a private cluster. Usage: scripts/bench/copy-format.sh [ROWS=1000000]
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
rows=${1:-1000000}
make_work_dir copy
start_private_cluster -c shared_buffers=1GB -c max_wal_size=4GB
psql_() { psql -X -q -h "$work" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
psql_ -f schemas/migrations/V001__initial.sql >/dev/null
day=$(date -u +%Y-%m-%d)
psql_ -c "CREATE TABLE positions_bench PARTITION OF positions FOR VALUES FROM ('$day') TO (('$day'::date + 1))" >/dev/null
psql_ -c "CREATE UNLOGGED TABLE src AS SELECT (g % 50000)::bigint AS vehicle_key, (g % 50000)::bigint AS device_id,
  '$day'::timestamptz + (g * interval '1 ms') AS fix_time, '$day'::timestamptz + (g * interval '1 ms') AS received_time,
  ST_SetSRID(ST_MakePoint(20 + random() * 10, 44 + random() * 4), 4326) AS geom, (random() * 90)::real AS speed_kmh,
  (random() * 360)::real AS heading, 100::real AS altitude, 9::smallint AS satellites, NULL::real AS hdop, NULL::real AS accuracy,
  'device'::position_source AS source, '{\"239\":1,\"66\":24079}'::jsonb AS attributes FROM generate_series(1, $rows) g" >/dev/null
as_pg psql -X -q -h "$work" -U postgres -d postgres -c "COPY src TO '$work/rows.txt'" 
as_pg psql -X -q -h "$work" -U postgres -d postgres -c "COPY src TO '$work/rows.bin' (FORMAT binary)"
for format in text binary; do
    file=$work/rows.txt; opt=""
    [ "$format" = binary ] && { file=$work/rows.bin; opt="(FORMAT binary)"; }
    psql_ -c "TRUNCATE positions; CHECKPOINT" >/dev/null
    start=$(date +%s.%N)
    as_pg psql -X -q -h "$work" -U postgres -d postgres -c "COPY positions FROM '$file' $opt"
    end=$(date +%s.%N)
    echo "copy_${format}_rows_per_second: $(awk -v n="$rows" -v a="$start" -v b="$end" 'BEGIN { printf "%d\n", n / (b - a) }')"
done
