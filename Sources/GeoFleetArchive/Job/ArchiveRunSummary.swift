/// What one archive run did, for the CLI's summary and the daemon's log.
public struct ArchiveRunSummary: Sendable {
    /// Another process held the archive lock; nothing was done.
    public var lockedOut = false
    public var archived: [ArchivedPartition] = []
    /// Partitions left in PostGIS because they were restored for investigation.
    public var skippedRestored: [String] = []
    /// Partitions left in PostGIS because of a problem that needs an operator (logged).
    public var needsAttention: [String] = []
    /// Partitions older than the retention by the run's `now` but of today or yesterday by the real
    /// clock: left in PostGIS (they may still receive positions).
    public var keptRecent: [String] = []
    /// Files of interrupted runs removed.
    public var orphansRemoved: [String] = []
    /// Archives rewritten for erasures recorded since the last run.
    public var erasureRewrites = 0

    public var rows: Int { archived.reduce(0) { $0 + $1.rows } }
}

/// One partition moved from PostGIS to the archive.
public struct ArchivedPartition: Sendable {
    public var name: String
    public var rows: Int
    public var compressedBytes: Int64
    public var tableBytes: Int64
    public var exportSeconds: Double
    public var verifySeconds: Double
    /// How long the partition was locked (ACCESS EXCLUSIVE) for the final count, detach and drop.
    public var partitionLockSeconds: Double
    /// How long `positions` itself was locked (detach to its commit): the only time PostGIS writes wait.
    public var parentLockSeconds: Double
    /// True when a previous, interrupted run had already written and vouched for the archive.
    public var resumed: Bool
}
