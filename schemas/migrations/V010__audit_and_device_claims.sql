-- Accountability: every write through the API, every erasure and export, append-only.
-- Coordinates (manual positions, cargo points) live apart in `coordinates` so that erasing a
-- vehicle's history can blank them while the rest of the entry stays readable.
CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time         timestamptz NOT NULL DEFAULT clock_timestamp(),
    account      text NOT NULL,
    actor        text NOT NULL,
    actor_role   text,
    channel      text NOT NULL CHECK (channel IN ('api', 'cli')),
    action       text NOT NULL,
    target       text,
    vehicle_key  bigint,
    method       text,
    path         text,
    status       integer,
    remote       text,
    before       jsonb,
    after        jsonb,
    coordinates  jsonb,
    scrubbed_at  timestamptz
);
CREATE INDEX audit_log_account_time ON audit_log (account, time);
CREATE INDEX audit_log_vehicle ON audit_log (vehicle_key) WHERE vehicle_key IS NOT NULL;

-- Append-only: no DELETE, no TRUNCATE, and the one UPDATE allowed is erasure blanking the coordinates.
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.coordinates IS NULL AND NEW.scrubbed_at IS NOT NULL
           AND (NEW.id, NEW.time, NEW.account, NEW.actor, NEW.actor_role, NEW.channel, NEW.action, NEW.target,
                NEW.vehicle_key, NEW.method, NEW.path, NEW.status, NEW.remote, NEW.before::text, NEW.after::text)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.time, OLD.account, OLD.actor, OLD.actor_role, OLD.channel, OLD.action, OLD.target,
                OLD.vehicle_key, OLD.method, OLD.path, OLD.status, OLD.remote, OLD.before::text, OLD.after::text)
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();

-- Device claim codes: a tracker is bound to a vehicle only with the code printed for its IMEI
-- (`geofleet device claim-code`). Only a salted hash is kept; the code is shown once.
CREATE TABLE device_claim_codes (
    unique_id        text PRIMARY KEY,
    code_hash        bytea NOT NULL,
    issued_at        timestamptz NOT NULL DEFAULT now(),
    issued_by        text NOT NULL,
    claimed_by       text,
    claimed_at       timestamptz,
    failed_attempts  integer NOT NULL DEFAULT 0,
    last_failure_at  timestamptz
);
