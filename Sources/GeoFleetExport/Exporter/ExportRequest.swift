import Foundation

/// A vehicle whose history is exported: its internal key, public id, plate and owner.
public struct ExportVehicle: Sendable, Hashable {
    public let key: Int64
    public let id: UUID
    public let licensePlate: String
    /// The user whose vehicle it is (whose audit log records an operator's export).
    public let owner: String
    /// The id as the API shows it, made once: every row of the vehicle carries it.
    let idText: String

    public init(key: Int64, id: UUID, licensePlate: String, owner: String) {
        self.key = key
        self.id = id
        self.licensePlate = licensePlate
        self.owner = owner
        self.idText = id.uuidString.lowercased()
    }
}

/// What to export: vehicles (written in this order), an inclusive time range in ms, a format.
public struct ExportRequest: Sendable {
    public var vehicles: [ExportVehicle]
    public var from: Int64
    public var to: Int64
    public var format: ExportFormat

    public init(vehicles: [ExportVehicle], from: Int64, to: Int64, format: ExportFormat) {
        self.vehicles = vehicles
        self.from = from
        self.to = to
        self.format = format
    }
}

/// How far an export got: rows written and the fraction of (vehicle, day) pieces done.
public struct ExportProgress: Sendable, Equatable {
    public var rows: Int64
    public var fraction: Double
}

/// What an export wrote.
public struct ExportSummary: Sendable, Equatable {
    public var rows: Int64
    public var bytes: Int64
    /// Rows read from archive files (the rest came from PostGIS).
    public var archivedRows: Int64
    /// Archive files read (counted once per vehicle that needed them).
    public var archiveScans: Int
    public var seconds: Double

    public init(rows: Int64, bytes: Int64, archivedRows: Int64, archiveScans: Int, seconds: Double) {
        self.rows = rows
        self.bytes = bytes
        self.archivedRows = archivedRows
        self.archiveScans = archiveScans
        self.seconds = seconds
    }
}
