import GeoFleetRedis
import Logging
import Metrics
import Synchronization

/// Publishes every fleet event to Redis pub/sub, on the channels named like the marketplace's rooms
/// (`user_{userId}`, `fleet_{vehicleId}` and, for deal events, `deal_{cargoId}`), so that the marketplace's Socket.io layer can relay them.
///
/// hiredis is blocking, so publishing happens on the connection's queue, in pipelined batches; events
/// beyond `maxQueued` are dropped and counted rather than slowing ingest.
public final class RedisEventRelay: Sendable {
    private let redis: ReconnectingRedis
    private let buffer = Mutex<[FleetEvent]>([])
    private let maxQueued: Int
    private let logger: Logger
    private let publishedCounter = Counter(label: "geofleet_redis_events_published_total")
    private let droppedCounter = Counter(label: "geofleet_redis_events_dropped_total")

    /// `connect` opens a connection (again after a failure).
    public init(maxQueued: Int = 100_000, logger: Logger, connect: @escaping @Sendable () throws -> RedisConnection) {
        self.maxQueued = maxQueued
        self.logger = logger
        redis = ReconnectingRedis(label: "geofleet.redis-relay", connect: connect)
    }

    /// Queues an event; returns at once.
    public func relay(_ event: FleetEvent) {
        let first = buffer.withLock { buffer -> Bool? in
            guard buffer.count < maxQueued else { return nil }
            buffer.append(event)
            return buffer.count == 1
        }
        switch first {
        case nil: droppedCounter.increment()
        case true?: redis.submit { self.drain() }
        case false?: break
        }
    }

    /// Waits until everything queued so far was sent (or dropped).
    public func flush() async {
        await redis.flush()
    }

    private func drain() {
        while true {
            let batch = buffer.withLock { buffer -> [FleetEvent] in
                defer { buffer.removeAll(keepingCapacity: true) }
                return buffer
            }
            if batch.isEmpty { return }
            var commands: [[String]] = []
            commands.reserveCapacity(batch.count * 2)
            for event in batch {
                commands.append(["PUBLISH", event.userRoom, event.message(room: event.userRoom)])
                commands.append(["PUBLISH", event.vehicleRoom, event.message(room: event.vehicleRoom)])
                if let deal = event.dealRoom { commands.append(["PUBLISH", deal, event.message(room: deal)]) }
            }
            do {
                _ = try redis.withConnection { try $0.pipeline(commands) }
                publishedCounter.increment(by: batch.count)
            } catch {
                // Redis is optional: drop this batch, reconnect on the next one.
                droppedCounter.increment(by: batch.count)
                logger.warning("Redis publish failed; events dropped", metadata: ["events": "\(batch.count)", "error": "\(error)"])
            }
        }
    }
}
