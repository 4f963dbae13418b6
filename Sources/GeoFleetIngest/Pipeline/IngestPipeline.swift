import Foundation
import GeoFleetCore
import GeoFleetHotIndex
import GeoFleetLive
import GeoFleetPostGIS
import GeoFleetSpool
import Logging
import Metrics
import Synchronization

/// What became of the records of one frame.
public struct IngestOutcome: Sendable, Equatable {
    /// New positions, now durable.
    public var stored: Int
    /// Records already stored before (a resend).
    public var duplicates: Int
    /// Records dropped by a filter rule (no GPS fix, impossible time or jump); still acknowledged.
    public var rejected: Int
    /// What the device is told it may forget: every record it sent.
    public var acknowledged: Int { stored + duplicates + rejected }
}

/// The path of every position: duplicate check, spool (durable, then acknowledged), hot index,
/// and the queue towards PostGIS.
public final class IngestPipeline: Sendable {
    private let spool: Spool
    private let queue: HistoryQueue
    private let hot: HotPositions
    private let recent: RecentFixes
    /// The `filter.*` rules every device fix passes before it is stored.
    public let filter: PositionFilter
    private let now: @Sendable () -> Int64
    private let logger: Logger
    /// The live stream: each vehicle's new latest position is published here.
    private let events: FleetEventHub?
    private let vehicleIDs: @Sendable (Int64) -> UUID?
    /// Told of every durable batch with its owner (cluster mode: the other nodes' hot index).
    private let onDurable: (@Sendable ([Position], String) -> Void)?
    /// The stream of ``storedBatches(bufferingNewest:)`` while someone follows it.
    private let storedFollower = Mutex<AsyncStream<StoredBatch>.Continuation?>(nil)

    private let storedCounter = Counter(label: "geofleet_positions_stored_total")
    private let spoolFailures = Counter(label: "geofleet_ingest_spool_failures_total")
    private let backPressure: BackPressure

    public init(
        spool: Spool, queue: HistoryQueue, hot: HotPositions, recent: RecentFixes, filter: FilterRules = FilterRules(),
        events: FleetEventHub? = nil, vehicleIDs: @escaping @Sendable (Int64) -> UUID? = { _ in nil },
        onDurable: (@Sendable ([Position], String) -> Void)? = nil, now: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.events = events
        self.onDurable = onDurable
        self.vehicleIDs = vehicleIDs
        self.spool = spool
        self.queue = queue
        self.backPressure = BackPressure(queue: queue, logger: logger)
        self.hot = hot
        self.recent = recent
        self.filter = PositionFilter(rules: filter, logger: logger)
        self.now = now
        self.logger = logger
    }

    /// The engine's clock, milliseconds since the Unix epoch (injectable in tests).
    public func currentTime() -> Int64 { now() }

    /// Makes a device's fixes durable and visible; returns once they are on disk. Throws when the
    /// spool cannot take them (full, or a disk error): the device then gets no acknowledgement.
    public func ingest(_ fixes: [DeviceFix], from device: DeviceBinding) async throws -> IngestOutcome {
        let received = now()
        var outcome = IngestOutcome(stored: 0, duplicates: 0, rejected: 0)
        let hot = self.hot
        let passed = filter.admit(fixes, vehicleKey: device.vehicleKey, device: device.uniqueID, now: received) {
            // A manual position says where the dispatcher believes the truck is, not where its GPS was.
            guard let last = hot.latest(vehicleKey: device.vehicleKey, owner: device.owner), last.source == .device else { return nil }
            return (last.latitude, last.longitude, last.fixTime)
        }
        outcome.rejected = fixes.count - passed.count
        let candidates = passed.map { fixes[$0] }
        let positions = recent.admit(vehicleKey: device.vehicleKey, fixTimes: candidates.map(\.fixTime)).map {
            Position(fix: candidates[$0], vehicleKey: device.vehicleKey, deviceID: device.deviceID, receivedTime: received)
        }
        outcome.duplicates = candidates.count - positions.count
        filter.count(.duplicate, outcome.duplicates)
        guard !positions.isEmpty else { return outcome }
        try await store(positions, owner: device.owner)
        outcome.stored = positions.count
        return outcome
    }

    /// A position set by hand (the API's manual positioning): same durability path as a device's.
    public func ingestManual(vehicleKey: Int64, owner: String, latitude: Double, longitude: Double, fixTime: Int64?) async throws {
        let received = now()
        guard filter.acceptsFixTime(fixTime ?? received, now: received) else { throw ManualPositionError.fixTimeOutOfRange }
        let position = Position(
            vehicleKey: vehicleKey, deviceID: nil, fixTime: fixTime ?? received, receivedTime: received,
            latitude: latitude, longitude: longitude, source: .manual)
        guard !recent.admit(vehicleKey: vehicleKey, fixTimes: [position.fixTime]).isEmpty else { return }
        try await store([position], owner: owner)
    }

    /// Re-feeds positions replayed from the spool at start (already durable, not yet in PostGIS).
    public func replay(sequence: UInt64, positions: [Position], owner: (Int64) -> String?) {
        for p in positions {
            _ = recent.admit(vehicleKey: p.vehicleKey, fixTimes: [p.fixTime])
            if let owner = owner(p.vehicleKey) {
                hot.update(HotFix(p), owner: owner)
                publishStored([p], owner: owner)
            }
        }
        queue.enqueue(SequencedPositions(sequence: sequence, positions: positions))
    }

    private func store(_ positions: [Position], owner: String) async throws {
        let sequence: UInt64
        do {
            sequence = try await spool.append(PositionBinaryCodec.encode(positions))
        } catch {
            // Not durable: forget the fix times so the device's resend is taken.
            if let key = positions.first?.vehicleKey { recent.revoke(vehicleKey: key, fixTimes: positions.map(\.fixTime)) }
            spoolFailures.increment()
            if let spoolError = error as? SpoolError, case .full(let pending, let limit) = spoolError {
                backPressure.refused(pendingBytes: pending, limit: limit)
            }
            throw error
        }
        queue.enqueue(SequencedPositions(sequence: sequence, positions: positions))
        onDurable?(positions, owner)
        storedCounter.increment(by: positions.count)
        if let newest = positions.max(by: { $0.fixTime < $1.fixTime }), hot.update(HotFix(newest), owner: owner),
            let events, let vehicleID = vehicleIDs(newest.vehicleKey)
        {
            events.publishPosition(newest, userID: owner, vehicleID: vehicleID)
        }
        publishStored(positions, owner: owner)
    }

    /// Every durable batch from now on (one vehicle's positions, with its owner): matching's driving-time
    /// estimate and live suggestions follow it. Batches stored before the call are not in it; a later
    /// call replaces the earlier stream, which finishes. The stream keeps at most `limit` batches and
    /// drops the oldest: a consumer that falls behind loses old positions, whose newer ones follow,
    /// rather than growing memory without bound.
    public func storedBatches(bufferingNewest limit: Int) -> AsyncStream<StoredBatch> {
        let (stream, continuation) = AsyncStream.makeStream(of: StoredBatch.self, bufferingPolicy: .bufferingNewest(limit))
        let previous = storedFollower.withLock { slot in
            defer { slot = continuation }
            return slot
        }
        previous?.finish()
        return stream
    }

    private func publishStored(_ positions: [Position], owner: String) {
        storedFollower.withLock { $0 }?.yield(StoredBatch(positions: positions, owner: owner))
    }
}

/// Why a manual position was refused.
public enum ManualPositionError: Error, CustomStringConvertible {
    /// Its time is outside the window the filters accept (and the history can hold).
    case fixTimeOutOfRange

    public var description: String { "the position's time is outside the history GeoFleet accepts" }
}

extension HotFix {
    /// The hot-index view of a stored position.
    public init(_ p: Position) {
        self.init(
            vehicleKey: p.vehicleKey, latitude: p.latitude, longitude: p.longitude, fixTime: p.fixTime,
            speedKmh: p.speedKmh, heading: p.heading, source: p.source, receivedTime: p.receivedTime)
    }
}
