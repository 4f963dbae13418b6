import Foundation
import GeoFleetEvents
import GeoFleetPostGIS
import GeoFleetTestSupport
import Logging
import PostgresNIO

/// A fresh migrated database with a running client, for the event log and webhook tests.
struct EventTestDatabase: Sendable {
    let endpoint: DatabaseEndpoint
    let client: PostgresClient
    let clientTask: Task<Void, Never>
    static let log = testLogger("events")

    static func start() async throws -> EventTestDatabase {
        let endpoint = try await TestPostgres.shared.freshMigratedDatabase()
        let client = PostgresClient(configuration: endpoint.clientConfiguration, backgroundLogger: log)
        return EventTestDatabase(endpoint: endpoint, client: client, clientTask: await client.runInBackground())
    }

    func stop() async {
        clientTask.cancel()
        await clientTask.value
    }

    /// Appends in a transaction of its own, as the producer does inside its.
    @discardableResult
    func append(_ events: [EventRecord]) async throws -> [EventRecord] {
        try await client.withTransaction(logger: Self.log) { connection in
            try await EventLog.append(events, on: connection, logger: Self.log)
        }
    }

    func count(_ sql: String) async throws -> Int {
        try await EngineHarness.count(sql, endpoint: endpoint)
    }

    /// Polls until `sql` returns `expected`; returns the last value seen.
    func waitForCount(_ sql: String, equals expected: Int, timeout: Duration = .seconds(30)) async throws -> Int {
        try await EngineHarness.waitForCount(sql, endpoint: endpoint, equals: expected, timeout: timeout)
    }

    /// Events of `vehicle` for `user`, one per second from `start`, with their index in `data`.
    static func events(user: String, vehicle: UUID, count: Int, type: String = "overspeed", start: Int64 = 1_800_000_000_000) -> [EventRecord] {
        (0..<count).map { i in
            EventRecord(
                id: UUID(), type: type, userID: user, vehicleID: vehicle, time: start + Int64(i) * 1000, data: #"{"index":\#(i)}"#)
        }
    }
}
