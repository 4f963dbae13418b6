import GeoFleetCore

/// RFC 7946 GeoJSON for a track: a LineString Feature plus one Point Feature per stop.
public enum TrackGeoJSON {
    /// A `FeatureCollection`: the track (LineString with ≥ 2 points, Point with 1, absent with 0) whose
    /// properties are `kind: "track"`, `vehicleId`, `timestamps` (ISO 8601), `speeds` (km/h), `headings`,
    /// `distanceMetres`; then per stop a Point with `kind: "stop"`, `vehicleId`, `start`, `end`,
    /// `durationSeconds`, `pointCount`. Positions are [longitude, latitude] with at most 7 decimals
    /// (about 1 cm); non-finite numbers are written as `null`.
    public static func featureCollection(
        vehicleId: String, points: [TrackPoint], stops: [TrackStop], distanceMetres: Double
    ) -> String {
        var w = JSONWriter(capacity: 128 + points.count * 96 + stops.count * 256)
        w.beginObject()
        w.key("type")
        w.string("FeatureCollection")
        w.key("features")
        w.beginArray()
        if !points.isEmpty {
            feature(points.count == 1 ? "Point" : "LineString", kind: "track", vehicleId: vehicleId, &w) { w in
                if points.count == 1 {
                    position(points[0].longitude, points[0].latitude, &w)
                } else {
                    w.beginArray()
                    for p in points { position(p.longitude, p.latitude, &w) }
                    w.endArray()
                }
            } properties: { w in
                w.key("timestamps")
                w.beginArray()
                for p in points { w.date(milliseconds: p.time) }
                w.endArray()
                w.key("speeds")
                w.beginArray()
                for p in points { w.number(p.speedKmh, decimals: 2) }
                w.endArray()
                w.key("headings")
                w.beginArray()
                for p in points { w.number(p.heading, decimals: 2) }
                w.endArray()
                w.key("distanceMetres")
                w.number(distanceMetres, decimals: 2)
            }
        }
        for stop in stops {
            feature("Point", kind: "stop", vehicleId: vehicleId, &w) { w in
                position(stop.longitude, stop.latitude, &w)
            } properties: { w in
                w.key("start")
                w.date(milliseconds: stop.start)
                w.key("end")
                w.date(milliseconds: stop.end)
                w.key("durationSeconds")
                w.number(stop.durationSeconds)
                w.key("pointCount")
                w.number(stop.pointCount)
            }
        }
        w.endArray()
        w.endObject()
        return w.text
    }

    /// One Feature: its geometry's type and coordinates, then `kind` and `vehicleId` before the other properties.
    static func feature(
        _ geometry: String, kind: String, vehicleId: String, _ w: inout JSONWriter,
        coordinates: (inout JSONWriter) -> Void, properties: (inout JSONWriter) -> Void
    ) {
        w.beginObject()
        w.key("type")
        w.string("Feature")
        w.key("geometry")
        w.beginObject()
        w.key("type")
        w.string(geometry)
        w.key("coordinates")
        coordinates(&w)
        w.endObject()
        w.key("properties")
        w.beginObject()
        w.key("kind")
        w.string(kind)
        w.key("vehicleId")
        w.string(vehicleId)
        properties(&w)
        w.endObject()
        w.endObject()
    }

    /// `[longitude, latitude]`, 7 decimals (about 1 cm).
    static func position(_ longitude: Double, _ latitude: Double, _ w: inout JSONWriter) {
        w.beginArray()
        w.number(longitude, decimals: 7)
        w.number(latitude, decimals: 7)
        w.endArray()
    }
}
