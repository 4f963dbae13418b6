import GeoFleetArchive

/// Writes one format: a header, then each vehicle's rows in fix-time order, then a trailer. Rows are
/// written as they come; nothing is held back.
protocol ExportRowWriter {
    mutating func begin(_ request: ExportRequest, sink: ExportSink) throws
    mutating func beginVehicle(_ vehicle: ExportVehicle, sink: ExportSink) throws
    mutating func row(_ position: PositionRecord, vehicle: ExportVehicle, sink: ExportSink) throws
    mutating func endVehicle(_ vehicle: ExportVehicle, sink: ExportSink) throws
    mutating func end(sink: ExportSink) throws
}

extension ExportRowWriter {
    mutating func beginVehicle(_ vehicle: ExportVehicle, sink: ExportSink) throws {}
    mutating func endVehicle(_ vehicle: ExportVehicle, sink: ExportSink) throws {}
}

/// Number text shared by the formats: the shortest text that reads back as the value (the track
/// API's precision: a `real` widened to Double, as JSONEncoder writes it).
enum ExportNumber {
    static func text(_ value: Double) -> String? { value.isFinite ? value.description : nil }
    static func text(_ value: Float) -> String? { text(Double(value)) }

    /// The same value without an exponent (XML Schema's xsd:decimal has none): `1e-05` → `0.00001`.
    static func decimal(_ value: Double) -> String? {
        guard let shortest = text(value) else { return nil }
        guard shortest.contains("e") else { return shortest }
        var fixed = String(format: "%.20f", value)
        while fixed.hasSuffix("0") { fixed.removeLast() }
        if fixed.hasSuffix(".") { fixed.removeLast() }
        return fixed
    }
}
