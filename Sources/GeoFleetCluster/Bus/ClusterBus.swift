import Foundation
import GeoFleetCore
import GeoFleetRedis
import Logging
import Metrics
import Synchronization

/// What a node receives from the others.
public struct ClusterHandlers: Sendable {
    /// Positions another node made durable (never this node's own).
    public var positions: @Sendable (RelayedPositions) -> Void
    /// A live event another node made.
    public var event: @Sendable (RelayedEvent) -> Void
    /// Data another node changed.
    public var change: @Sendable (CacheChange) -> Void
    /// After every (re)subscription: re-read what may have been missed while not subscribed.
    public var resync: @Sendable () -> Void

    public init(
        positions: @escaping @Sendable (RelayedPositions) -> Void, event: @escaping @Sendable (RelayedEvent) -> Void,
        change: @escaping @Sendable (CacheChange) -> Void, resync: @escaping @Sendable () -> Void
    ) {
        self.positions = positions
        self.event = event
        self.change = change
        self.resync = resync
    }
}

/// The nodes' shared channel over Redis pub/sub: this node's durable positions, live events and API
/// changes go out; the others' come in.
///
/// Publishing never blocks the caller: messages queue in memory (bounded; past `maxQueued` the oldest
/// positions are dropped and counted, since a newer fix of the same vehicle follows and a resync
/// repairs the rest) and a serial queue sends them in pipelined batches. A lost Redis costs freshness
/// on the other nodes, never an acknowledgement: when the subscription comes back each node re-reads
/// `vehicle_latest`.
public final class ClusterBus: Sendable {
    /// This node's id.
    public let node: String
    private let redis: ReconnectingRedis
    private let subscription: RedisSubscription
    private let logger: Logger
    private let maxQueued: Int
    private let outbox = Mutex(Outbox())

    private let publishedPositions = Counter(label: "geofleet_cluster_positions_published_total")
    private let receivedPositions = Counter(label: "geofleet_cluster_positions_received_total")
    private let dropped = Counter(label: "geofleet_cluster_messages_dropped_total")
    private let undecodable = Counter(label: "geofleet_cluster_messages_undecodable_total")

    struct Outbox {
        var positions: [String: [Position]] = [:]
        var positionCount = 0
        var messages: [(channel: String, payload: String)] = []
        var scheduled = false
    }

    public init(
        node: String, maxQueued: Int = 200_000, logger: Logger, connect: @escaping @Sendable () throws -> RedisConnection,
        handlers: ClusterHandlers
    ) {
        self.node = node
        self.maxQueued = maxQueued
        var logger = logger
        logger[metadataKey: "node"] = "\(node)"
        self.logger = logger
        redis = ReconnectingRedis(label: "geofleet.cluster-bus", connect: connect)
        let received = receivedPositions
        let undecodable = self.undecodable
        subscription = RedisSubscription(
            channels: ClusterChannel.all, logger: logger, connect: connect,
            onSubscribed: { _ in handlers.resync() },
            onMessage: { channel, payload in
                switch channel {
                case ClusterChannel.positions:
                    guard let message = RelayedPositions(decoding: payload) else { return undecodable.increment() }
                    guard message.node != node else { return }
                    received.increment(by: message.positionCount)
                    handlers.positions(message)
                case ClusterChannel.events:
                    guard let message = RelayedEvent(decoding: payload) else { return undecodable.increment() }
                    if message.node != node { handlers.event(message) }
                case ClusterChannel.changes:
                    guard let message = CacheChange(decoding: payload) else { return undecodable.increment() }
                    if message.node != node { handlers.change(message) }
                default:
                    break
                }
            })
    }

    /// Starts receiving.
    public func start() { subscription.start() }

    /// Stops receiving, and sends what is queued.
    public func stop() async {
        subscription.stop()
        await redis.flush()
    }

    /// Positions of one owner, durable on this node.
    public func publish(positions: [Position], owner: String) {
        guard !positions.isEmpty else { return }
        enqueue { o in
            if o.positionCount + positions.count > maxQueued {
                dropped.increment(by: positions.count)
                return
            }
            o.positions[owner, default: []].append(contentsOf: positions)
            o.positionCount += positions.count
        }
    }

    /// A live event made on this node.
    public func publish(event: RelayedEvent) {
        var event = event
        event.node = node
        let payload = event.encoded()
        enqueue { o in o.messages.append((ClusterChannel.events, payload)) }
    }

    /// Data changed through this node's API.
    public func publish(change: CacheChange) {
        var change = change
        change.node = node
        let payload = change.encoded()
        enqueue { o in o.messages.append((ClusterChannel.changes, payload)) }
    }

    /// Waits until what was queued so far has been sent (or dropped).
    public func flush() async {
        await redis.flush()
    }

    private func enqueue(_ add: (inout Outbox) -> Void) {
        let schedule = outbox.withLock { o -> Bool in
            if o.messages.count >= maxQueued {
                dropped.increment()
                return false
            }
            add(&o)
            defer { o.scheduled = true }
            return !o.scheduled
        }
        if schedule { redis.submit { self.drain() } }
    }

    /// Sends everything queued, in one pipeline per round, until the outbox is empty.
    private func drain() {
        while true {
            let (positions, messages) = outbox.withLock { o -> ([String: [Position]], [(channel: String, payload: String)]) in
                defer {
                    o.positions = [:]
                    o.positionCount = 0
                    o.messages = []
                }
                if o.positions.isEmpty && o.messages.isEmpty { o.scheduled = false }
                return (o.positions, o.messages)
            }
            if positions.isEmpty && messages.isEmpty { return }
            var commands: [[String]] = messages.map { ["PUBLISH", $0.channel, $0.payload] }
            var count = 0
            if !positions.isEmpty {
                // One message per ~2,000 positions keeps each under a few hundred KB.
                var groups: [RelayedPositions.Group] = []
                for (owner, list) in positions {
                    groups.append(.init(owner: owner, positions: list))
                    count += list.count
                }
                for chunk in Self.chunks(groups, maxPositions: 2_000) {
                    commands.append(["PUBLISH", ClusterChannel.positions, RelayedPositions(node: node, groups: chunk).encoded()])
                }
            }
            do {
                do {
                    _ = try redis.withConnection { try $0.pipeline(commands) }
                } catch {
                    // A connection that broke since its last use (Redis restarted): once more on a fresh one.
                    _ = try redis.withConnection { try $0.pipeline(commands) }
                }
                publishedPositions.increment(by: count)
            } catch {
                dropped.increment(by: commands.count)
                logger.warning("cluster publish failed; the other nodes resync when Redis is back", metadata: ["error": "\(error)"])
            }
        }
    }

    static func chunks(_ groups: [RelayedPositions.Group], maxPositions: Int) -> [[RelayedPositions.Group]] {
        var out: [[RelayedPositions.Group]] = []
        var current: [RelayedPositions.Group] = []
        var size = 0
        for group in groups {
            if size > 0 && size + group.positions.count > maxPositions {
                out.append(current)
                current = []
                size = 0
            }
            current.append(group)
            size += group.positions.count
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
