/// One exported column: its name, PostgreSQL type (the binary COPY encoding follows from it) and unit.
public struct ArchiveColumn: Codable, Sendable, Hashable {
    public var name: String
    public var type: String
    public var unit: String?
}

/// The columns of `positions` an archive holds, in file order; written into every manifest so an
/// archive explains itself without this source code.
public enum ArchiveColumns {
    public static let all: [ArchiveColumn] = [
        .init(name: "vehicle_key", type: "int8", unit: "vehicles.key"),
        .init(name: "device_id", type: "int8", unit: "devices.id, null for manual positions"),
        .init(name: "fix_time", type: "timestamptz", unit: "microseconds since 2000-01-01 UTC"),
        .init(name: "received_time", type: "timestamptz", unit: "microseconds since 2000-01-01 UTC"),
        .init(name: "geom", type: "geometry(Point,4326)", unit: "EWKB, WGS84 degrees (x = longitude, y = latitude)"),
        .init(name: "speed_kmh", type: "float4", unit: "km/h"),
        .init(name: "heading", type: "float4", unit: "degrees clockwise from north"),
        .init(name: "altitude", type: "float4", unit: "metres"),
        .init(name: "satellites", type: "int2", unit: "count"),
        .init(name: "hdop", type: "float4", unit: nil),
        .init(name: "accuracy", type: "float4", unit: "metres"),
        .init(name: "source", type: "position_source", unit: "device | manual"),
        .init(name: "attributes", type: "jsonb", unit: "IO elements and named attributes"),
    ]

    /// The column list for COPY statements.
    public static var sqlList: String { all.map(\.name).joined(separator: ", ") }

    /// Position of the fields the scanner reads.
    static let vehicleKeyIndex = 0
    static let fixTimeIndex = 2
}
