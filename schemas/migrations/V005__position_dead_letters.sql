-- Positions PostgreSQL refused (a data exception, SQLSTATE class 22, or a constraint violation,
-- class 23), set aside by the history writer so the rest of their batch commits and the same bad
-- row is never retried forever. `record` is the position's spool encoding (PositionBinaryCodec):
-- bytea, because the refused value may not be storable as text or jsonb at all.
CREATE TABLE position_dead_letters (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vehicle_key    bigint NOT NULL,
    spool_sequence bigint NOT NULL,
    fix_time_ms    bigint NOT NULL,
    record         bytea NOT NULL,
    sqlstate       text NOT NULL,
    error          text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX position_dead_letters_vehicle ON position_dead_letters (vehicle_key);
