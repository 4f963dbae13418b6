/// The steps of archiving one partition, in order; tests inject a crash at each.
public enum ArchiveStep: String, Sendable, CaseIterable {
    /// The data file is written under its temporary name.
    case exported
    /// The file was read back and matched the partition's own count.
    case verified
    /// The data file has its final name (no manifest yet).
    case published
    /// The manifest is written: the archive is complete and vouched for.
    case manifestWritten
    /// Inside the detach transaction, the partition is detached (not committed).
    case detached
    /// The detach committed: the table stands alone, outside `positions`, until it is dropped.
    case detachCommitted
    /// The standalone table is dropped.
    case dropped
}

/// Called after each step; throwing there stops the run as a crash would (nothing is undone).
public typealias ArchiveFaultHook = @Sendable (ArchiveStep, String) throws -> Void
