-- GeoFleet schema v1: vehicles, devices, partitioned position history, latest positions,
-- and the ingest watermark that makes spool replay idempotent.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TYPE vehicle_type AS ENUM ('truck', 'van', 'trailer', 'flatbed', 'refrigerated');
CREATE TYPE vehicle_status AS ENUM ('active', 'inactive', 'maintenance');
CREATE TYPE position_source AS ENUM ('device', 'manual');

-- The marketplace's Vehicle model. `id` is public (API); `key` is the compact internal key that
-- history rows carry (8 bytes instead of 16 in a table of billions of rows).
CREATE TABLE vehicles (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key                bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    user_id            text NOT NULL,
    type               vehicle_type NOT NULL,
    license_plate      text NOT NULL,
    capacity_weight_kg double precision NOT NULL CHECK (capacity_weight_kg >= 0),
    capacity_volume_m3 double precision NOT NULL CHECK (capacity_volume_m3 >= 0),
    gps_device_id      text,
    manual_position    jsonb,
    driver_id          text,
    status             vehicle_status NOT NULL DEFAULT 'active',
    current_cargo_id   text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, license_plate)
);
CREATE INDEX vehicles_user_created ON vehicles (user_id, created_at, key);

-- A tracker (IMEI for Teltonika/GT06, the app's id for OsmAnd) and the vehicle it reports for.
CREATE TABLE devices (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unique_id   text NOT NULL UNIQUE,
    vehicle_key bigint UNIQUE REFERENCES vehicles (key) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Position history, range-partitioned by fix time (partitions are created ahead by geofleetd).
-- No unique index and no GiST here: both cost COPY throughput (see BENCHMARKS.md); duplicates are
-- prevented by the ingest watermark and the in-memory per-vehicle check.
CREATE TABLE positions (
    vehicle_key   bigint NOT NULL,
    device_id     bigint,
    fix_time      timestamptz NOT NULL,
    received_time timestamptz NOT NULL,
    geom          geometry(Point, 4326) NOT NULL,
    speed_kmh     real NOT NULL DEFAULT 0,
    heading       real NOT NULL DEFAULT 0,
    altitude      real NOT NULL DEFAULT 0,
    satellites    smallint NOT NULL DEFAULT 0,
    hdop          real,
    accuracy      real,
    source        position_source NOT NULL DEFAULT 'device',
    attributes    jsonb NOT NULL DEFAULT '{}'
) PARTITION BY RANGE (fix_time);
CREATE INDEX positions_vehicle_fix_time ON positions (vehicle_key, fix_time);
CREATE INDEX positions_fix_time_brin ON positions USING brin (fix_time);
-- Safety net only: the writer creates the partition for every fix time it accepts, so this stays empty.
CREATE TABLE positions_default PARTITION OF positions DEFAULT;

-- Each vehicle's newest fix, written in the same transaction as the history batch; rebuilds the
-- in-memory hot index at start.
CREATE TABLE vehicle_latest (
    vehicle_key bigint PRIMARY KEY,
    fix_time    timestamptz NOT NULL,
    latitude    double precision NOT NULL,
    longitude   double precision NOT NULL,
    speed_kmh   real NOT NULL,
    heading     real NOT NULL,
    source      position_source NOT NULL
);

-- Highest spool sequence whose positions are committed. Updated in the same transaction as the
-- COPY of that batch, so a replayed or retried batch is recognised and skipped.
CREATE TABLE ingest_watermark (
    stream   integer PRIMARY KEY,
    sequence bigint NOT NULL
);
INSERT INTO ingest_watermark (stream, sequence) VALUES (0, 0);
