-- Cargo ↔ vehicle matching.

-- Open cargo as the marketplace syncs it (PUT/DELETE /api/cargo/{id}); loaded into memory at start.
CREATE TABLE cargo (
    id            text PRIMARY KEY,
    shipper_id    text,
    pickup        geography(Point, 4326) NOT NULL,
    delivery      geography(Point, 4326) NOT NULL,
    weight_kg     double precision NOT NULL CHECK (weight_kg > 0),
    volume_m3     double precision CHECK (volume_m3 >= 0),
    vehicle_type  text,
    loading_from  timestamptz NOT NULL,
    loading_to    timestamptz NOT NULL CHECK (loading_to >= loading_from),
    delivery_by   timestamptz,
    total_price   double precision,
    status        text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cargo_open_pickup ON cargo USING gist (pickup) WHERE status = 'open';

-- A carrier's cost settings (the marketplace's CostSettings), per km and per hour per item, as JSON.
CREATE TABLE cost_settings (
    user_id     text PRIMARY KEY,
    settings    jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- What matching learned from a user's feedback, and whether the carrier shows in shippers' searches.
CREATE TABLE match_preferences (
    user_id             text PRIMARY KEY,
    deadhead_penalty    double precision NOT NULL,
    feedback_count      integer NOT NULL DEFAULT 0,
    marketplace_opt_in  boolean NOT NULL DEFAULT false,
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Every vote (the marketplace's AIFeedback), with the trip's numbers it was given on.
CREATE TABLE match_feedback (
    id              bigserial PRIMARY KEY,
    suggestion_id   uuid NOT NULL,
    user_id         text NOT NULL,
    vehicle_id      uuid NOT NULL,
    cargo_id        text NOT NULL,
    feedback_type   text NOT NULL CHECK (feedback_type IN ('up', 'down')),
    deadhead_share  double precision NOT NULL,
    profit_per_hour double precision NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX match_feedback_user ON match_feedback (user_id, created_at);
