-- GDPR exports (access and portability): one row per requested export of a user's position history.
-- The file lives under <data dir>/exports until expires_at; the job row goes with it.
CREATE TABLE privacy_exports (
    id           uuid PRIMARY KEY,
    owner        text NOT NULL,
    vehicle_keys bigint[] NOT NULL,
    from_time    timestamptz NOT NULL,
    to_time      timestamptz NOT NULL,
    format       text NOT NULL CHECK (format IN ('json', 'csv', 'gpx', 'geojson')),
    status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    rows         bigint NOT NULL DEFAULT 0,
    bytes        bigint NOT NULL DEFAULT 0,
    progress     double precision NOT NULL DEFAULT 0,
    error        text,
    file_path    text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    expires_at   timestamptz
);
-- The worker's claim (oldest queued first) and the per-user running/queued counts.
CREATE INDEX privacy_exports_status ON privacy_exports (status, created_at);
CREATE INDEX privacy_exports_owner ON privacy_exports (owner, status);
