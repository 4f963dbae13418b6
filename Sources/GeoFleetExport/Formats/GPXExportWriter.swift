import GeoFleetArchive
import GeoFleetCore

/// GPX 1.1 (valid against Topografix's XSD): one `<trk>` per vehicle with one `<trkseg>`; speed,
/// heading, accuracy and source in `<extensions>` under GeoFleet's namespace.
struct GPXExportWriter: ExportRowWriter {
    static let extensionNamespace = "https://geofleet.dev/xmlschemas/export/1"

    mutating func begin(_ request: ExportRequest, sink: ExportSink) throws {
        try sink.write(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <gpx version="1.1" creator="GeoFleet" xmlns="http://www.topografix.com/GPX/1/1" \
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:gf="\(Self.extensionNamespace)" \
            xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">
            <metadata><name>GeoFleet export \(UTCTime.iso8601(milliseconds: request.from)) .. \(UTCTime.iso8601(milliseconds: request.to))</name></metadata>

            """)
    }

    mutating func beginVehicle(_ vehicle: ExportVehicle, sink: ExportSink) throws {
        try sink.write("<trk><name>\(Self.escaped(vehicle.licensePlate))</name><desc>\(vehicle.idText)</desc><trkseg>\n")
    }

    mutating func row(_ p: PositionRecord, vehicle: ExportVehicle, sink: ExportSink) throws {
        // wptType's child order is fixed by the schema: ele, time, …, sat, hdop, …, extensions.
        var line = "<trkpt lat=\"\(ExportNumber.decimal(p.latitude) ?? "0")\" lon=\"\(ExportNumber.decimal(p.longitude) ?? "0")\">"
        if let ele = ExportNumber.decimal(Double(p.altitude)) { line += "<ele>\(ele)</ele>" }
        line += "<time>\(UTCTime.iso8601(milliseconds: p.fixTime))</time>"
        if p.satellites >= 0 { line += "<sat>\(p.satellites)</sat>" }
        if let hdop = p.hdop.flatMap({ ExportNumber.decimal(Double($0)) }) { line += "<hdop>\(hdop)</hdop>" }
        line += "<extensions>"
        if let speed = ExportNumber.text(p.speedKmh) { line += "<gf:speed>\(speed)</gf:speed>" }
        if let heading = ExportNumber.text(p.heading) { line += "<gf:heading>\(heading)</gf:heading>" }
        if let accuracy = p.accuracy.flatMap({ ExportNumber.text($0) }) { line += "<gf:accuracy>\(accuracy)</gf:accuracy>" }
        line += "<gf:source>\(Self.escaped(p.source))</gf:source></extensions></trkpt>\n"
        try sink.write(line)
    }

    mutating func endVehicle(_ vehicle: ExportVehicle, sink: ExportSink) throws {
        try sink.write("</trkseg></trk>\n")
    }

    mutating func end(sink: ExportSink) throws {
        try sink.write("</gpx>\n")
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            // XML 1.0 has no way to write most control characters.
            case _ where c.value < 0x20 && c != "\t" && c != "\n" && c != "\r": continue
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
