#!/usr/bin/env bash
# Archives one daily partition of ROWS positions with `geofleet archive run` on a private cluster and
# measures: export rows/s, archive size against the partition's on-disk size (heap + indexes), how long
# the partition and `positions` were locked, and insert latency of a concurrent ingest probe (before and
# during the archive run). The anchor, measured in the same run on the same partition, is raw
# `COPY … TO STDOUT (FORMAT binary) | zstd -3 -T0`.
# ENCRYPTED=1 then archives a copy of the same partition again with GEOFLEET_ARCHIVE_KEY_FILE set and prints
# the encrypted/plaintext run-time ratio (issue 17).
# Usage: scripts/bench/archive.sh [ROWS=10000000] [VEHICLES=50000]   (CONFIG=debug for a debug build, SKIP_BUILD=1 to use the built binary)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
rows=${1:-10000000}
vehicles=${2:-50000}
fixes=$(( (rows + vehicles - 1) / vehicles ))
build_products geofleet
geofleet=$bin/geofleet
make_work_dir archive-bench
start_private_cluster -c shared_buffers=1GB -c max_wal_size=4GB -c maintenance_work_mem=512MB
psql_() { psql -X -q -h "$work" -U postgres -d geofleet -v ON_ERROR_STOP=1 "$@"; }
psql -X -q -h "$work" -U postgres -d postgres -c "CREATE DATABASE geofleet" >/dev/null
export GEOFLEET_DATA_DIR="$work/geofleet" GEOFLEET_ARCHIVE_DIR="$work/archive" GEOFLEET_RETENTION_DAYS=30
export GEOFLEET_DATABASE_URL="postgresql:///geofleet?host=$work&port=5432&user=postgres"
"$geofleet" archive list >/dev/null   # applies the migrations

# One day 40 days back, GPS-like tracks: each vehicle starts somewhere in Europe and drives (25 % parked)
# along its heading at its speed, one fix every 20 s, rows in arrival (time) order.
day=$(date -u -d '40 days ago' +%Y-%m-%d)
today=$(date -u +%Y-%m-%d)
part="positions_p${day//-/}"
psql_ -c "CREATE TABLE $part PARTITION OF positions FOR VALUES FROM ('$day') TO ('$day'::date + 1)"
psql_ -c "CREATE TABLE positions_p${today//-/} PARTITION OF positions FOR VALUES FROM ('$today') TO ('$today'::date + 1)"
echo "generating $rows rows ($vehicles vehicles x $fixes fixes) in $part"
psql_ <<SQL
CREATE TEMP TABLE veh AS SELECT v, 40 + random() * 15 AS lat0, -5 + random() * 25 AS lon0, random() * 2 * pi() AS h,
    CASE WHEN random() < 0.25 THEN 0 ELSE 25 + random() * 85 END AS kmh, (100 + random() * 400)::real AS alt
FROM generate_series(1, $vehicles) v;
INSERT INTO positions (vehicle_key, device_id, fix_time, received_time, geom, speed_kmh, heading, altitude, satellites, hdop, source, attributes)
SELECT v, v, t, t + (random() * 1500) * interval '1 ms',
       ST_SetSRID(ST_MakePoint(round((lon0 + i * kmh / 180.0 / 111.32 * sin(h) / cos(radians(lat0)) + (random() - 0.5) * 2e-5)::numeric, 7)::float8,
                               round((lat0 + i * kmh / 180.0 / 111.32 * cos(h) + (random() - 0.5) * 2e-5)::numeric, 7)::float8), 4326),
       CASE WHEN kmh = 0 THEN 0 ELSE round(kmh + (random() - 0.5) * 16) END, round(degrees(h))::real, alt,
       (6 + random() * 6)::smallint, round((0.7 + random() * 0.8)::numeric, 1)::real, 'device',
       jsonb_build_object('239', CASE WHEN kmh = 0 THEN 0 ELSE 1 END, '66', 24000 + (random() * 400)::int, '16', (v * 1000 + i * kmh * 5.5)::bigint)
FROM generate_series(0, $fixes - 1) i
CROSS JOIN LATERAL (SELECT *, '$day'::timestamptz + interval '6 hours' + (i * 20 + v % 20) * interval '1 s' AS t FROM veh) x
ORDER BY i, v
LIMIT $rows;
VACUUM (FREEZE, ANALYZE) $part;
CHECKPOINT;
SQL
table_bytes=$(psql_ -At -c "SELECT pg_total_relation_size('$part')")
if [ "${ENCRYPTED:-0}" = 1 ]; then
    # Two copies of the same rows in the same (arrival) order, archived again after the first run
    # (which has the ingest probe beside it): encrypted, then plaintext once more, both without the probe.
    for copy in bench_copy1 bench_copy2; do
        psql_ -c "CREATE TABLE $copy (LIKE positions INCLUDING DEFAULTS INCLUDING CONSTRAINTS)" \
              -c "INSERT INTO $copy SELECT * FROM $part" -c "VACUUM (FREEZE, ANALYZE) $copy"
    done
fi
actual_rows=$(psql_ -At -c "SELECT count(*) FROM $part")

# Anchor: raw COPY BINARY piped through zstd, same partition, same run.
start=$(date +%s.%N)
psql_ -c "COPY $part TO STDOUT (FORMAT binary)" | zstd -q -3 -T0 > "$work/anchor.zst"
end=$(date +%s.%N)
anchor_seconds=$(elapsed_seconds "$start" "$end")
anchor_bytes=$(stat -c %s "$work/anchor.zst")

# Ingest probe: a 1,000-row INSERT into today's partition every 50 ms; each batch's latency in ms.
probe() {
    while true; do
        s=$(date +%s%N)
        psql_ -c "INSERT INTO positions (vehicle_key, fix_time, received_time, geom) SELECT g, now(), now(), ST_SetSRID(ST_MakePoint(11, 48), 4326) FROM generate_series(1, 1000) g" >/dev/null
        e=$(date +%s%N)
        echo "$(( (e - s) / 1000000 ))" >> "$work/probe.$1"
        sleep 0.05
    done
}
probe before & probe_pid=$!
helper_pids+=("$probe_pid")
sleep 5
kill "$probe_pid"; wait "$probe_pid" 2>/dev/null || true
forget_helper "$probe_pid"
probe during & probe_pid=$!
helper_pids+=("$probe_pid")
start=$(date +%s.%N)
"$geofleet" archive run | tee "$work/run.log"
end=$(date +%s.%N)
kill "$probe_pid"; wait "$probe_pid" 2>/dev/null || true
forget_helper "$probe_pid"
run_seconds=$(elapsed_seconds "$start" "$end")
verify_line=$("$geofleet" archive verify | tail -1)
summary=$(grep '^summary:' "$work/run.log")
python3 "$bench_lib_dir/archive_summary.py" "$summary" "$work/probe.before" "$work/probe.during" \
    "$table_bytes" "$actual_rows" "$anchor_bytes" "$anchor_seconds" "$run_seconds"
echo "verify: $verify_line"

if [ "${ENCRYPTED:-0}" = 1 ]; then
    # Attaches copy $1 as the partition again and archives it into directory $2; prints the summary line
    # and the run's seconds.
    rerun() {
        psql_ -c "ALTER TABLE $1 RENAME TO $part" \
              -c "ALTER TABLE positions ATTACH PARTITION $part FOR VALUES FROM ('$day') TO ('$day'::date + 1)" \
              -c "VACUUM (FREEZE, ANALYZE) $part" -c "CHECKPOINT"
        local s e
        s=$(date +%s.%N)
        GEOFLEET_ARCHIVE_DIR="$2" "$geofleet" archive run > "$work/run-$1.log"
        e=$(date +%s.%N)
        [ "$(GEOFLEET_ARCHIVE_DIR="$2" "$geofleet" archive verify | tail -1 | sed -n 's/.* failed=\([0-9]*\).*/\1/p')" = 0 ] || { echo "verify failed" >&2; exit 1; }
        echo "$(grep '^summary:' "$work/run-$1.log") run_seconds=$(elapsed_seconds "$s" "$e")"
    }
    (umask 077; "$geofleet" archive keygen bench > "$work/archive-keys")
    encrypted=$(GEOFLEET_ARCHIVE_KEY_FILE="$work/archive-keys" rerun bench_copy1 "$work/archive-encrypted")
    plain2=$(rerun bench_copy2 "$work/archive-plain2")
    echo "encrypted: $encrypted"
    echo "plaintext (again): $plain2"
    python3 - "$summary run_seconds=$run_seconds" "$plain2" "$encrypted" <<'PY'
import sys
def fields(line):
    return {k: float(v) for k, v in (f.split("=", 1) for f in line.split()[1:] if "=" in f)}
p1, p2, e = (fields(a) for a in sys.argv[1:])
# The first run had the ingest probe beside it; the ratio is against the second, which did not.
def ratio(key):
    return f"{key} plaintext {p2[key]:.2f} (first run {p1[key]:.2f}), encrypted {e[key]:.2f} = {e[key] / p2[key]:.3f}x"
print("encryption: " + "; ".join(ratio(k) for k in ["run_seconds", "export_seconds", "verify_seconds"])
      + f"; bytes {p1['bytes']:.0f} -> {e['bytes']:.0f} (+{(e['bytes'] - p1['bytes']) / p1['bytes'] * 100:.3f} %)")
PY
fi
