import GeoFleetPostGIS

/// A consumer of every spooled position after the writers' routing, in spool-sequence order, each
/// record once (event evaluation). The spool keeps a record until the tap has handled it, so what
/// the tap makes durable in `handle` together with its own watermark is never lost or done twice.
public protocol PositionTap: Sendable {
    /// Records at or below this sequence were handled (durably) before this start: the queue skips them.
    var handledThrough: UInt64 { get }
    /// Handles records in sequence order; a throw is retried with backoff, with the same records.
    func handle(_ batch: [SequencedPositions]) async throws
}
