import GeoFleetArchive
import GeoFleetCore

/// The per-position fields JSON and GeoJSON share (names as the track API spells them).
enum JSONFields {
    static func vehicles(_ request: ExportRequest, into w: inout JSONWriter) {
        w.beginArray()
        for v in request.vehicles {
            w.beginObject()
            w.key("vehicleId")
            w.string(v.idText)
            w.key("licensePlate")
            w.string(v.licensePlate)
            w.endObject()
        }
        w.endArray()
    }

    /// `time` … `attributes`; `withPosition` adds `lat`/`long` (GeoJSON has them in the geometry).
    static func measurements(_ p: PositionRecord, withPosition: Bool, into w: inout JSONWriter) {
        w.key("time")
        w.date(milliseconds: p.fixTime)
        if withPosition {
            w.key("lat")
            w.number(p.latitude)
            w.key("long")
            w.number(p.longitude)
        }
        w.key("speed")
        w.number(Double(p.speedKmh))
        w.key("heading")
        w.number(Double(p.heading))
        w.key("altitude")
        w.number(Double(p.altitude))
        w.key("accuracy")
        if let a = p.accuracy { w.number(Double(a)) } else { w.null() }
        w.key("hdop")
        if let h = p.hdop { w.number(Double(h)) } else { w.null() }
        w.key("satellites")
        w.number(Int(p.satellites))
        w.key("source")
        w.string(p.source)
        w.key("receivedTime")
        w.date(milliseconds: p.receivedTime)
        w.key("attributes")
        w.json(p.attributes)
    }
}
