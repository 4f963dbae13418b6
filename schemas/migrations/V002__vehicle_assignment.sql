-- The cargo a vehicle carries, as the marketplace assigns it: its id (already in
-- vehicles.current_cargo_id) and its pickup and delivery points, for the map's cargo overlay.
-- JSON: {"pickup": {"lat": …, "long": …, "address": …}, "delivery": {…}}.
ALTER TABLE vehicles ADD COLUMN current_cargo jsonb;
