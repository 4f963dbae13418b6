/// Where and how the spool stores its write-ahead log.
public struct SpoolConfiguration: Sendable {
    /// Directory holding the segment files; created (with parents) if missing.
    public var directory: String
    /// Bytes appended but not yet released; past it `append` throws `.full`, so the device gets
    /// no ACK and resends later instead of the disk filling up.
    public var maxPendingBytes: Int64
    /// A new segment file is started before a group would grow the active one past this size.
    public var segmentBytes: Int
    /// How long the writer waits after the first queued append to collect more into one fsync.
    public var groupCommitWindow: Duration

    public init(
        directory: String, maxPendingBytes: Int64 = 1 << 30, segmentBytes: Int = 64 << 20,
        groupCommitWindow: Duration = .milliseconds(2)
    ) {
        self.directory = directory
        self.maxPendingBytes = maxPendingBytes
        self.segmentBytes = segmentBytes
        self.groupCommitWindow = groupCommitWindow
    }
}
