import GeoFleetEvents
import GeoFleetPlatform
import GeoFleetLive
import Logging
import Metrics
import PostgresNIO

/// Where tracking's events go: the durable log (and its webhook deliveries) in one transaction with
/// the state that produced them, then, once committed, the live stream (WebSocket rooms and Redis).
public final class EventSink: Sendable {
    let client: PostgresClient
    let hub: FleetEventHub
    /// Tells the webhook dispatcher that deliveries are due.
    let wake: @Sendable () -> Void
    let logger: Logger
    private let stored = Counter(label: "geofleet_events_stored_total")

    public init(client: PostgresClient, hub: FleetEventHub, wake: @escaping @Sendable () -> Void, logger: Logger) {
        self.client = client
        self.hub = hub
        self.wake = wake
        self.logger = logger
    }

    /// How long one transaction may take before it is abandoned and retried on another connection.
    static let transactionLimit: Duration = .seconds(30)

    /// Appends `events` and runs `work` in one transaction; publishes the events new to the log and
    /// returns them with what `work` returned.
    @discardableResult
    func commit<R: Sendable>(_ events: [EventRecord], with work: @escaping @Sendable (PostgresConnection) async throws -> R) async throws
        -> (inserted: [EventRecord], result: R)
    {
        let (logger, client) = (self.logger, self.client)
        let done = try await abandon(after: Self.transactionLimit) {
            try await client.withTransaction(logger: logger) { connection in
                let inserted = events.isEmpty ? [] : try await EventLog.append(events, on: connection, logger: logger)
                return (inserted, try await work(connection))
            }
        }
        publish(done.0)
        return (done.0, done.1)
    }

    /// Appends `events` alone.
    @discardableResult
    func commit(_ events: [EventRecord]) async throws -> [EventRecord] {
        try await commit(events) { _ in () }.inserted
    }

    /// Hands committed events to the live stream and wakes the webhook dispatcher.
    func publish(_ events: [EventRecord]) {
        guard !events.isEmpty else { return }
        stored.increment(by: events.count)
        for event in events {
            guard let kind = FleetEvent.Kind(rawValue: event.type) else { continue }
            hub.publish(kind, userID: event.userID, vehicleID: event.vehicleID, data: event.data, eventID: event.id, cargoID: event.cargoID)
        }
        wake()
    }
}
