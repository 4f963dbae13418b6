import Foundation
import GeoFleetCore
import Metrics
import Synchronization

/// Fans fleet events out to live subscribers and keeps the recent ones, so that a client that
/// reconnects with the last sequence it saw misses nothing from the last minutes.
public final class FleetEventHub: Sendable {
    /// A live subscription: the backlog to send first, then the stream of new events.
    public struct Subscription: Sendable {
        public var id: UInt64
        /// Events after the resume point, oldest first.
        public var backlog: [FleetEvent]
        /// False when the resume point is older than what the hub keeps: the client must reload its state.
        public var resumed: Bool
        /// The newest sequence when the subscription began: later events come on `events`.
        public var startSequence: UInt64
        public var events: AsyncStream<FleetEvent>
    }

    struct Subscriber {
        var userID: String
        /// nil: every vehicle of the user (room `user_…`); else one vehicle (room `fleet_…`).
        var vehicleID: UUID?
        var continuation: AsyncStream<FleetEvent>.Continuation
    }

    struct State {
        var nextSequence: UInt64 = 1
        var recent: [FleetEvent] = []
        /// When each kept event was published (ms), parallel to `recent`.
        var times: [Int64] = []
        /// Index of the oldest kept event in `recent` (a ring without reallocation).
        var head = 0
        var subscribers: [UInt64: Subscriber] = [:]
        var nextSubscriber: UInt64 = 1
    }

    private let state = Mutex(State())
    private let retention: Int64
    private let capacity: Int
    private let now: @Sendable () -> Int64
    /// Hands every event to other systems too (the Redis relay); called outside the lock.
    private let relay: (@Sendable (FleetEvent) -> Void)?
    private let dropped = Counter(label: "geofleet_stream_subscribers_dropped_total")
    private let published = Counter(label: "geofleet_stream_events_total")

    /// Keeps events for `retention` (and at most `capacity` of them).
    public init(
        retention: Duration = .seconds(300), capacity: Int = 200_000, now: @escaping @Sendable () -> Int64,
        relay: (@Sendable (FleetEvent) -> Void)? = nil
    ) {
        self.retention = retention.components.seconds * 1000
        self.capacity = capacity
        self.now = now
        self.relay = relay
    }

    /// Publishes an event to the user's subscribers (and the vehicle's), and keeps it for resumes.
    /// `relayed: false` for an event another cluster node made and relayed already.
    @discardableResult
    public func publish(
        _ kind: FleetEvent.Kind, userID: String, vehicleID: UUID, data: String, eventID: UUID? = nil, cargoID: String? = nil,
        relayed: Bool = true
    ) -> FleetEvent {
        let time = now()
        let (event, cutOff) = state.withLock { s -> (FleetEvent, [AsyncStream<FleetEvent>.Continuation]) in
            let event = FleetEvent(
                sequence: s.nextSequence, kind: kind, userID: userID, vehicleID: vehicleID, data: data, eventID: eventID, cargoID: cargoID)
            s.nextSequence += 1
            s.recent.append(event)
            s.times.append(time)
            trim(&s, now: time)
            var cutOff: [AsyncStream<FleetEvent>.Continuation] = []
            for (id, subscriber) in s.subscribers
            where subscriber.userID == userID && (subscriber.vehicleID == nil || subscriber.vehicleID == vehicleID) {
                // A subscriber this far behind is cut off; it reconnects with its resume point.
                if case .dropped = subscriber.continuation.yield(event) {
                    s.subscribers.removeValue(forKey: id)
                    cutOff.append(subscriber.continuation)
                }
            }
            return (event, cutOff)
        }
        // Finishing runs the stream's termination handler, which takes the lock: do it outside.
        for continuation in cutOff {
            continuation.finish()
            dropped.increment()
        }
        published.increment()
        if relayed { relay?(event) }
        return event
    }

    /// A GPS update from a stored position.
    public func publishPosition(_ position: Position, userID: String, vehicleID: UUID, relayed: Bool = true) {
        publish(
            .gpsUpdate, userID: userID, vehicleID: vehicleID, data: FleetEvent.gpsData(vehicleID: vehicleID, position: position),
            relayed: relayed)
    }

    /// A status change.
    public func publishStatusChange(userID: String, vehicleID: UUID, from: String, to: String) {
        publish(.statusChange, userID: userID, vehicleID: vehicleID, data: FleetEvent.statusData(vehicleID: vehicleID, from: from, to: to, at: now()))
    }

    /// Subscribes to a user's events (or one of their vehicles'), resuming after `after` when given.
    /// `buffer` events may wait for a slow reader before it is cut off.
    public func subscribe(userID: String, vehicleID: UUID? = nil, after: UInt64? = nil, buffer: Int = 4096) -> Subscription {
        let (stream, continuation) = AsyncStream.makeStream(of: FleetEvent.self, bufferingPolicy: .bufferingOldest(buffer))
        return state.withLock { s in
            trim(&s, now: now())
            let id = s.nextSubscriber
            s.nextSubscriber += 1
            s.subscribers[id] = Subscriber(userID: userID, vehicleID: vehicleID, continuation: continuation)
            var backlog: [FleetEvent] = []
            var resumed = true
            if let after {
                let oldest = s.head < s.recent.count ? s.recent[s.head].sequence : s.nextSequence
                // Everything after `after` must still be here, or the client has a hole. `after` comes
                // from the client: compared without arithmetic on it, so no value can overflow.
                resumed = after < s.nextSequence && after >= oldest - 1
                if resumed {
                    for event in s.recent[s.head...]
                    where event.sequence > after && event.userID == userID
                        && (vehicleID == nil || event.vehicleID == vehicleID)
                    {
                        backlog.append(event)
                    }
                }
            }
            let hub = self
            continuation.onTermination = { _ in hub.unsubscribe(id) }
            return Subscription(id: id, backlog: backlog, resumed: resumed, startSequence: s.nextSequence - 1, events: stream)
        }
    }

    /// Ends every subscription to one vehicle (it was deleted).
    public func closeVehicle(_ vehicleID: UUID) {
        let ended = state.withLock { s -> [AsyncStream<FleetEvent>.Continuation] in
            let ids = s.subscribers.filter { $0.value.vehicleID == vehicleID }.map(\.key)
            return ids.compactMap { s.subscribers.removeValue(forKey: $0)?.continuation }
        }
        for continuation in ended { continuation.finish() }
    }

    /// Blanks the positions of one vehicle's kept GPS events (its history was erased): a resume then
    /// replays `{"vehicleId": …, "erased": true}` instead of coordinates. Sequences stay as they were.
    public func redactPositions(of vehicleID: UUID) {
        let data = FleetEvent.erasedData(vehicleID: vehicleID)
        state.withLock { s in
            for index in s.recent.indices where s.recent[index].vehicleID == vehicleID && s.recent[index].kind == .gpsUpdate {
                s.recent[index].data = data
            }
        }
    }

    /// The sequence the next event will get (a client with nothing to resume starts here).
    public var nextSequence: UInt64 { state.withLock { $0.nextSequence } }

    /// Live subscriptions.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Whether anyone would receive a user's events: a stream subscriber of theirs, or the Redis relay.
    public func hasListeners(userID: String) -> Bool {
        if relay != nil { return true }
        return state.withLock { $0.subscribers.values.contains { $0.userID == userID } }
    }

    private func unsubscribe(_ id: UInt64) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }

    /// Drops events older than the retention or beyond the capacity; compacts now and then.
    private func trim(_ s: inout State, now: Int64) {
        while s.head < s.recent.count, s.recent.count - s.head > capacity || s.times[s.head] < now - retention {
            s.head += 1
        }
        if s.head > 4096 && s.head * 2 > s.recent.count {
            s.recent.removeFirst(s.head)
            s.times.removeFirst(s.head)
            s.head = 0
        }
    }
}
