/// Retention: how long history stays in PostGIS, where archived partitions go, how often the job runs.
public struct ArchiveSettings: Sendable, ConfigSection {
    public var directory = StorageSettings().dataDirectory + "/archive"
    /// Days of history kept online.
    public var retentionDays = 30
    /// Hours between archive runs in geofleetd; 0: only `geofleet archive run`.
    public var everyHours = 24
    /// Parallel COPY TO streams per partition export (by vehicle key range, one snapshot).
    public var exportStreams = 2
    /// Archive encryption keys, `<keyId> <key>` per line, the first sealing new archives; nil: plaintext.
    public var keyFile: String?

    public init() {}

    static var variables: [ConfigVariable<Self>] {
        [
            .text("GEOFLEET_ARCHIVE_DIR", \.directory, "where archived history goes", defaultText: "`<data dir>/archive`"),
            .integer("GEOFLEET_RETENTION_DAYS", \.retentionDays, 1...3650, "days of history kept online"),
            .integer("GEOFLEET_ARCHIVE_EVERY_HOURS", \.everyHours, 0...24 * 31, "hours between archive runs in geofleetd (0 = only by hand)"),
            .integer("GEOFLEET_ARCHIVE_STREAMS", \.exportStreams, 1...16, "parallel COPY TO streams exporting one partition"),
            .optionalText(
                "GEOFLEET_ARCHIVE_KEY_FILE", \.keyFile,
                "file of archive encryption keys (`<keyId> <base64 key>` per line; the first seals new archives, all open)",
                unset: "unset (archives are written plaintext)"),
        ]
    }
}
