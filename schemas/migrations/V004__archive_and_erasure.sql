-- Retention and erasure.
-- One row per erased vehicle: no position of it with fix_time <= erased_through may exist in any
-- store. The history writer filters pending (spooled) positions against it, spool replay skips them,
-- and archive restore deletes them again, so an erasure survives crashes between its steps.
CREATE TABLE position_erasures (
    vehicle_key    bigint PRIMARY KEY,
    erased_through timestamptz NOT NULL,
    erased_at      timestamptz NOT NULL DEFAULT now()
);

-- Who erased what and when, without a single coordinate.
CREATE TABLE erasure_audit (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject_user         text NOT NULL,
    vehicle_ids          uuid[] NOT NULL,
    requested_by         text NOT NULL,
    channel              text NOT NULL CHECK (channel IN ('api', 'cli')),
    erased_through       timestamptz NOT NULL,
    live_rows_deleted    bigint NOT NULL DEFAULT 0,
    archives_rewritten   integer,
    archive_rows_removed bigint,
    requested_at         timestamptz NOT NULL DEFAULT now(),
    completed_at         timestamptz
);

-- Partitions brought back from the archive for an investigation: the archive job leaves them alone
-- until `geofleet archive drop-restored` removes them again.
CREATE TABLE archive_restored (
    partition_name text PRIMARY KEY,
    restored_at    timestamptz NOT NULL DEFAULT now()
);
