import GeoFleetArchive
import GeoFleetCore

/// RFC 4180: a header row, CRLF line ends, fields quoted when they hold a comma, quote or line break.
struct CSVExportWriter: ExportRowWriter {
    static let header = [
        "vehicle_id", "license_plate", "time", "lat", "long", "speed_kmh", "heading", "altitude_m", "accuracy_m", "hdop", "satellites",
        "source", "received_time", "attributes",
    ]

    mutating func begin(_ request: ExportRequest, sink: ExportSink) throws {
        try sink.write(Self.header.joined(separator: ",") + "\r\n")
    }

    mutating func row(_ p: PositionRecord, vehicle: ExportVehicle, sink: ExportSink) throws {
        let fields: [String] = [
            vehicle.idText, Self.quoted(vehicle.licensePlate), UTCTime.iso8601(milliseconds: p.fixTime),
            ExportNumber.text(p.latitude) ?? "", ExportNumber.text(p.longitude) ?? "", ExportNumber.text(p.speedKmh) ?? "",
            ExportNumber.text(p.heading) ?? "", ExportNumber.text(p.altitude) ?? "", p.accuracy.flatMap { ExportNumber.text($0) } ?? "",
            p.hdop.flatMap { ExportNumber.text($0) } ?? "", String(p.satellites), Self.quoted(p.source),
            UTCTime.iso8601(milliseconds: p.receivedTime), Self.quoted(p.attributes),
        ]
        try sink.write(fields.joined(separator: ",") + "\r\n")
    }

    mutating func end(sink: ExportSink) throws {}

    static func quoted(_ field: String) -> String {
        // By bytes: "\r\n" is one Character, equal to neither "\r" nor "\n".
        guard field.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 13 || $0 == 10 }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
