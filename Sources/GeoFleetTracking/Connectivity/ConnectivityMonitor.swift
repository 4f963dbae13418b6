import Foundation
import GeoFleetEvents
import GeoFleetHotIndex
import GeoFleetLive
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Classifies every vehicle's connectivity now and then and announces each change as a durable
/// `fleet_status_change` event; the map and the vehicle list classify on the fly with the same rule.
public final class ConnectivityMonitor: Service, Sendable {
    private let catalog: VehicleCatalog
    private let hot: HotPositions
    private let connected: @Sendable () -> Set<Int64>
    private let rule: ConnectivityRule
    private let sink: EventSink
    private let client: PostgresClient
    private let interval: Duration
    private let now: @Sendable () -> Int64
    private let logger: Logger
    /// As last announced (and stored in `vehicle_connectivity`).
    private let announced = Mutex<[UUID: Connectivity]>([:])

    init(
        catalog: VehicleCatalog, hot: HotPositions, connected: @escaping @Sendable () -> Set<Int64>, rule: ConnectivityRule,
        sink: EventSink, client: PostgresClient, interval: Duration, now: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.catalog = catalog
        self.hot = hot
        self.connected = connected
        self.rule = rule
        self.sink = sink
        self.client = client
        self.interval = interval
        self.now = now
        self.logger = logger
    }

    /// The open connections and the clock, taken once, to classify many vehicles (the map, the list).
    public func snapshot() -> ConnectivitySnapshot {
        ConnectivitySnapshot(connected: connected(), now: now(), rule: rule)
    }

    /// Loads what was announced before this start.
    func load() async throws {
        let rows = try await client.query("SELECT vehicle_id, state FROM vehicle_connectivity", logger: logger)
        var loaded: [UUID: Connectivity] = [:]
        for try await r in rows.decode((UUID, String).self) { loaded[r.0] = Connectivity(rawValue: r.1) }
        announced.withLock { $0 = loaded }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.sweep()
                } catch {
                    self.logger.warning("connectivity sweep failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// Classifies every vehicle; announces and stores the changes. Returns how many changed.
    @discardableResult
    public func sweep() async throws -> Int {
        let snapshot = snapshot()
        let time = snapshot.now
        let before = announced.withLock { $0 }
        var changes: [(entry: VehicleCatalog.Entry, from: Connectivity?, to: Connectivity)] = []
        for entry in catalog.allEntries {
            let state = snapshot.classify(vehicleKey: entry.key, latest: hot.latest(vehicleKey: entry.key, owner: entry.owner))
            let previous = before[entry.id]
            // A vehicle first seen offline (never sent a fix) is recorded, not announced.
            if previous != state { changes.append((entry, previous, state)) }
        }
        guard !changes.isEmpty else { return 0 }
        var events: [EventRecord] = []
        for change in changes where !(change.from == nil && change.to == .offline) {
            let data = FleetEvent.statusData(
                vehicleID: change.entry.id, field: "connectivity", from: change.from?.rawValue, to: change.to.rawValue, at: time)
            events.append(
                EventRecord(
                    id: EventIdentity.id("connectivity", change.entry.id.uuidString, change.to.rawValue, String(time)), type: "fleet_status_change",
                    userID: change.entry.owner, vehicleID: change.entry.id, time: time, geofenceID: nil, cargoID: nil, data: data))
        }
        let ids = changes.map(\.entry.id)
        let states = changes.map(\.to.rawValue)
        let logger = self.logger
        try await sink.commit(events) { connection in
            try await connection.query(
                """
                INSERT INTO vehicle_connectivity (vehicle_id, state, since)
                SELECT v, s, to_timestamp(\(Double(time) / 1000)) FROM unnest(\(ids)::uuid[], \(states)::text[]) AS t(v, s)
                ON CONFLICT (vehicle_id) DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since
                """, logger: logger)
        }
        announced.withLock { a in
            for change in changes { a[change.entry.id] = change.to }
        }
        return changes.count
    }
}

/// Open connections and the time at one instant: classifies vehicles consistently.
public struct ConnectivitySnapshot: Sendable {
    let connected: Set<Int64>
    let now: Int64
    let rule: ConnectivityRule

    /// `latest`: the vehicle's newest position in the hot index; only a device's counts.
    public func classify(vehicleKey: Int64, latest: HotFix?) -> Connectivity {
        let fix = latest.flatMap { $0.source == .device ? $0 : nil }
        // A fix dated in the future counts from when it arrived.
        let lastSeen = fix.map { min($0.fixTime, $0.receivedTime ?? $0.fixTime) }
        return rule.classify(lastSeen: lastSeen, connected: connected.contains(vehicleKey), now: now)
    }
}
