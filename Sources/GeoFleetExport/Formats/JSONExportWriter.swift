import GeoFleetArchive
import GeoFleetCore

/// `{"format", "from", "to", "vehicles": [...], "positions": [{vehicleId, time, lat, long, speed, ...}]}`.
struct JSONExportWriter: ExportRowWriter {
    private var items = JSONArrayItems()

    mutating func begin(_ request: ExportRequest, sink: ExportSink) throws {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("format")
        w.string("geofleet.export")
        w.key("version")
        w.number(1)
        w.key("from")
        w.date(milliseconds: request.from)
        w.key("to")
        w.date(milliseconds: request.to)
        w.key("vehicles")
        JSONFields.vehicles(request, into: &w)
        try sink.write(w.bytes)
        try sink.write(",\"positions\":[")
    }

    mutating func row(_ p: PositionRecord, vehicle: ExportVehicle, sink: ExportSink) throws {
        var w = JSONWriter(capacity: 320)
        w.beginObject()
        w.key("vehicleId")
        w.string(vehicle.idText)
        JSONFields.measurements(p, withPosition: true, into: &w)
        w.endObject()
        try items.append(w.bytes, to: sink)
    }

    mutating func end(sink: ExportSink) throws {
        try sink.write("]}\n")
    }
}
