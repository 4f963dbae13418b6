-- Geofences: the API's area as given (the evaluator's source of truth) and a geography for SQL users
-- (circles and corridors buffered). Fences a deal made carry its cargo id and go with the deal.
CREATE TABLE geofences (
    id              uuid PRIMARY KEY,
    user_id         text NOT NULL,
    name            text NOT NULL,
    area            jsonb NOT NULL,
    geom            geography NOT NULL,
    speed_limit_kmh double precision,
    dwell_minutes   integer,
    schedule        jsonb,
    cargo_id        text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX geofences_user ON geofences (user_id, created_at);
CREATE INDEX geofences_geom ON geofences USING gist (geom);
CREATE INDEX geofences_cargo ON geofences (cargo_id) WHERE cargo_id IS NOT NULL;

-- Each vehicle's fence memberships (inside since, dwell fired, overspeeding), so a vehicle inside a
-- fence before a restart is not "entering" after it.
CREATE TABLE vehicle_fence_state (
    vehicle_key bigint PRIMARY KEY,
    state       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The spool sequence through which the event evaluation has handled positions (written in the
-- same transaction as the events and states it produced).
CREATE TABLE event_watermark (
    id      smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    through bigint NOT NULL
);

-- A deal as GeoFleet tracks it from positions: one row per cargo assigned to a vehicle.
CREATE TABLE deals (
    cargo_id        text PRIMARY KEY,
    user_id         text NOT NULL,
    vehicle_key     bigint NOT NULL,
    vehicle_id      uuid NOT NULL,
    state           text NOT NULL,
    progress        double precision NOT NULL DEFAULT 0,
    eta_delivery    timestamptz,
    route_meters    double precision,
    tracker         jsonb NOT NULL,
    timeline        jsonb NOT NULL DEFAULT '[]',
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deals_vehicle ON deals (vehicle_key) WHERE active;
CREATE INDEX deals_user ON deals (user_id);

-- ETA truth: what was predicted at pickup departure and at each quarter of the way, against the arrival.
CREATE TABLE eta_predictions (
    cargo_id          text NOT NULL,
    checkpoint        smallint NOT NULL,
    predicted_at      timestamptz NOT NULL,
    predicted_arrival timestamptz NOT NULL,
    remaining_meters  double precision NOT NULL,
    actual_arrival    timestamptz,
    PRIMARY KEY (cargo_id, checkpoint)
);

-- Connectivity (online / unknown / offline) as last announced, so a restart does not announce it again.
CREATE TABLE vehicle_connectivity (
    vehicle_id uuid PRIMARY KEY,
    state      text NOT NULL,
    since      timestamptz NOT NULL
);

