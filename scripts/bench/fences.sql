-- Synthetic fences for the fence benchmark, over the box the simulated devices drive in (Romania,
-- lat 43.8-48.1, long 20.5-29.5), owned by the auto-registering user: circles (100 m - 2 km), 20-vertex
-- star-shaped polygons (200 m - 3 km) and 4-point corridors (3 km legs, 50-300 m wide), in the API's
-- `area` form plus PostGIS geographies. psql variables: owner, circles, polygons, corridors.
INSERT INTO geofences (id, user_id, name, area, geom)
SELECT gen_random_uuid(), :'owner', 'bench circle ' || i,
       jsonb_build_object('type', 'circle', 'center', jsonb_build_object('lat', lat, 'long', lon), 'radiusMeters', r),
       ST_Buffer(ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, r, 8)
FROM (SELECT i, 43.8 + random() * 4.3 AS lat, 20.5 + random() * 9 AS lon, 100 + random() * 1900 AS r
      FROM generate_series(1, :circles) i) s;

WITH c AS (SELECT i, 43.8 + random() * 4.3 AS lat, 20.5 + random() * 9 AS lon, 200 + random() * 2800 AS r
           FROM generate_series(1, :polygons) i),
     -- One radius per vertex, on its own ray: the ring is star-shaped, so never self-intersecting.
     f AS (SELECT i, k, lat, lon, r * (0.6 + 0.4 * random()) AS d FROM c, generate_series(0, 19) k),
     v AS (SELECT i, k, lat + d * cos(2 * pi() * k / 20) / 111320 AS vlat,
                  lon + d * sin(2 * pi() * k / 20) / (111320 * cos(radians(lat))) AS vlon
           FROM f),
     rings AS (SELECT i, jsonb_agg(jsonb_build_array(vlon, vlat) ORDER BY k) AS pts FROM v GROUP BY i)
INSERT INTO geofences (id, user_id, name, area, geom)
SELECT gen_random_uuid(), :'owner', 'bench polygon ' || i,
       jsonb_build_object('type', 'polygon', 'coordinates', jsonb_build_array(pts || jsonb_build_array(pts -> 0))),
       ST_GeomFromGeoJSON(jsonb_build_object('type', 'Polygon', 'coordinates', jsonb_build_array(pts || jsonb_build_array(pts -> 0)))::text)::geography
FROM rings;

WITH c AS (SELECT i, 43.8 + random() * 4.3 AS lat, 20.5 + random() * 9 AS lon, 50 + random() * 250 AS w, random() * 2 * pi() AS a
           FROM generate_series(1, :corridors) i),
     v AS (SELECT i, k, w, lat + k * 3000 * cos(a + (random() - 0.5) * k) / 111320 AS vlat,
                  lon + k * 3000 * sin(a + (random() - 0.5) * k) / (111320 * cos(radians(lat))) AS vlon
           FROM c, generate_series(0, 3) k),
     lines AS (SELECT i, max(w) AS w, jsonb_agg(jsonb_build_array(vlon, vlat) ORDER BY k) AS pts FROM v GROUP BY i)
INSERT INTO geofences (id, user_id, name, area, geom)
SELECT gen_random_uuid(), :'owner', 'bench corridor ' || i,
       jsonb_build_object('type', 'corridor', 'line', pts, 'widthMeters', w),
       ST_Buffer(ST_GeomFromGeoJSON(jsonb_build_object('type', 'LineString', 'coordinates', pts)::text)::geography, w / 2)
FROM lines;
