import Foundation

/// Where an export job is: waiting for a worker, being written, ready to download, or failed.
public enum ExportStatus: String, Sendable, Codable {
    case queued, running, done, failed
}

/// One requested export, as the job table holds it.
public struct ExportJob: Sendable {
    public var id: UUID
    public var owner: String
    public var vehicleKeys: [Int64]
    public var from: Int64
    public var to: Int64
    public var format: ExportFormat
    public var status: ExportStatus
    public var rows: Int64
    public var bytes: Int64
    /// 0…1: the fraction of (vehicle, day) pieces written.
    public var progress: Double
    public var error: String?
    public var filePath: String?
    public var createdAt: Int64
    public var finishedAt: Int64?
    /// When the file (and this row) is removed.
    public var expiresAt: Int64?
}
