import GeoFleetArchive
import GeoFleetCore

/// A FeatureCollection of Point features ([long, lat]) with the other fields as properties; the
/// vehicles travel as a foreign member.
struct GeoJSONExportWriter: ExportRowWriter {
    private var items = JSONArrayItems()

    mutating func begin(_ request: ExportRequest, sink: ExportSink) throws {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("type")
        w.string("FeatureCollection")
        w.key("vehicles")
        JSONFields.vehicles(request, into: &w)
        try sink.write(w.bytes)
        try sink.write(",\"features\":[")
    }

    mutating func row(_ p: PositionRecord, vehicle: ExportVehicle, sink: ExportSink) throws {
        var w = JSONWriter(capacity: 400)
        w.beginObject()
        w.key("type")
        w.string("Feature")
        w.key("geometry")
        w.beginObject()
        w.key("type")
        w.string("Point")
        w.key("coordinates")
        w.beginArray()
        w.number(p.longitude)
        w.number(p.latitude)
        w.endArray()
        w.endObject()
        w.key("properties")
        w.beginObject()
        w.key("vehicleId")
        w.string(vehicle.idText)
        JSONFields.measurements(p, withPosition: false, into: &w)
        w.endObject()
        w.endObject()
        try items.append(w.bytes, to: sink)
    }

    mutating func end(sink: ExportSink) throws {
        try sink.write("]}\n")
    }
}
