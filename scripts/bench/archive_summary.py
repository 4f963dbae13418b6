"""The summary of scripts/bench/archive.sh: the archive run against its raw COPY | zstd anchor.

Usage: archive_summary.py SUMMARY_LINE PROBE_BEFORE PROBE_DURING TABLE_BYTES PARTITION_ROWS
                          ANCHOR_BYTES ANCHOR_SECONDS RUN_SECONDS
SUMMARY_LINE is the `summary: key=value ...` line of `geofleet archive run`; the probe files hold one
insert latency in ms per line.
"""
import statistics
import sys

summary, before_path, during_path = sys.argv[1:4]
table, actual_rows, anchor_bytes = (int(v) for v in sys.argv[4:7])
anchor_seconds, run_seconds = (round(float(v), 3) for v in sys.argv[7:9])

kv = dict(p.split("=", 1) for p in summary.split()[1:])
before = sorted(int(x) for x in open(before_path))
during = sorted(int(x) for x in open(during_path))
rows, archive_bytes = int(kv["rows"]), int(kv["bytes"])
print(f"rows: {rows} (partition held {actual_rows})")
print(f"table_bytes (heap + btree + BRIN): {table}")
print(f"archive_bytes: {archive_bytes} ({archive_bytes / table:.1%} of the table)")
print(f"anchor_bytes (COPY BINARY | zstd -3): {anchor_bytes} ({anchor_bytes / table:.1%} of the table)")
print(f"export_rows_per_second: {float(kv['export_rows_per_second']):.0f}")
print(f"anchor_rows_per_second: {actual_rows / anchor_seconds:.0f}")
print(f"export_vs_anchor: {float(kv['export_rows_per_second']) / (actual_rows / anchor_seconds):.2f}")
print(f"verify_seconds (read back, decode every row, SHA-256): {kv['verify_seconds']}")
print(f"whole_run_seconds (count, export, verify, manifest, lock, detach, drop): {run_seconds}")
print(f"whole_run_rows_per_second: {rows / run_seconds:.0f}")
print(f"partition_lock_seconds (count + detach + drop): {kv['max_partition_lock_seconds']}")
print(f"positions_lock_seconds (detach + its commit): {kv['max_parent_lock_seconds']}")
print(f"ingest_probe_ms_before: p50={statistics.median(before)} max={before[-1]} n={len(before)}")
print(f"ingest_probe_ms_during: p50={statistics.median(during)} max={during[-1]} n={len(during)}")
