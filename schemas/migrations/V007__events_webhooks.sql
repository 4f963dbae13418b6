-- The durable event log (geofence, overspeed, deal and status events) and its webhook deliveries.
-- Event ids are deterministic (the producer derives them from what caused the event), so a replay
-- re-appends the same ids and ON CONFLICT keeps one copy.
CREATE TABLE fleet_events (
    id          uuid PRIMARY KEY,
    user_id     text NOT NULL,
    type        text NOT NULL,
    time        timestamptz NOT NULL,
    vehicle_id  uuid NOT NULL,
    geofence_id uuid,
    cargo_id    text,
    data        jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- Events of the same instant (a deal assigned at the fix that enters its pickup) keep the order
    -- they were made in, for the list and for webhooks.
    seq         bigserial NOT NULL
);
CREATE INDEX fleet_events_user_time ON fleet_events (user_id, time, seq);
CREATE INDEX fleet_events_created ON fleet_events (created_at);

-- A user's receivers; `events` NULL means every type. At most 20 a user (WebhookStore checks it).
CREATE TABLE webhooks (
    id         uuid PRIMARY KEY,
    user_id    text NOT NULL,
    url        text NOT NULL,
    secret     text NOT NULL,
    events     text[],
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_user ON webhooks (user_id);

-- One row per event and interested webhook, written in the event's transaction so none is lost.
-- Rows of one (webhook, vehicle) go out in event order: a row waits while an older one of its chain
-- is neither delivered nor failed.
CREATE TABLE webhook_deliveries (
    event_id        uuid NOT NULL REFERENCES fleet_events ON DELETE CASCADE,
    webhook_id      uuid NOT NULL REFERENCES webhooks ON DELETE CASCADE,
    user_id         text NOT NULL,
    vehicle_id      uuid NOT NULL,
    event_time      timestamptz NOT NULL,
    event_seq       bigint NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    failed_at       timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, webhook_id)
);
-- The dispatcher's scan: open rows by due time, and each open row's chain predecessors.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX webhook_deliveries_chain ON webhook_deliveries (webhook_id, vehicle_id, event_time, event_seq)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
