-- A deleted vehicle's history outlives its row (positions until retention, archives for years), so
-- its key and owner are kept where erasure finds them. A trigger, not the delete code, records it:
-- every way a vehicle row goes (API, operator SQL, a future cascade) leaves its tombstone.
CREATE TABLE deleted_vehicles (
    key        bigint PRIMARY KEY,
    id         uuid NOT NULL,
    user_id    text NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deleted_vehicles_user ON deleted_vehicles (user_id, key);

CREATE FUNCTION record_deleted_vehicle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deleted_vehicles (key, id, user_id) VALUES (OLD.key, OLD.id, OLD.user_id) ON CONFLICT (key) DO NOTHING;
    RETURN OLD;
END
$$;

CREATE TRIGGER vehicles_deleted AFTER DELETE ON vehicles FOR EACH ROW EXECUTE FUNCTION record_deleted_vehicle();
