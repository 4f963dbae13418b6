/// GDPR exports: how long their files are kept and how many are written at once.
public struct ExportSettings: Sendable, ConfigSection {
    /// Hours a finished export's file (and its job) is kept before it is removed.
    public var retentionHours = 24
    /// Exports written at once across users (each user has at most one running).
    public var workers = 2

    public init() {}

    static var variables: [ConfigVariable<Self>] {
        [
            .integer("GEOFLEET_EXPORT_RETENTION_HOURS", \.retentionHours, 1...24 * 31, "hours an export's file is kept under `<data dir>/exports`"),
            .integer("GEOFLEET_EXPORT_WORKERS", \.workers, 1...16, "exports written at once (one per user at a time)"),
        ]
    }
}
