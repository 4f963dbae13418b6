import Foundation
import GeoFleetCore
import GeoFleetPlatform
import Logging
import PostgresNIO

/// Vehicles, devices and position reads in PostGIS, always scoped by the owning user.
public struct FleetStore: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static let vehicleColumns = """
        id, key, user_id, type::text, license_plate, capacity_weight_kg, capacity_volume_m3, gps_device_id,
        manual_position::text, driver_id, status::text, current_cargo_id, current_cargo::text, created_at, updated_at
        """

    typealias VehicleRow = (UUID, Int64, String, String, String, Double, Double, String?, String?, String?, String, String?, String?, Date, Date)

    static func vehicle(_ r: VehicleRow) -> Vehicle {
        Vehicle(
            id: r.0, key: r.1, userID: r.2, type: r.3, licensePlate: r.4, capacityWeightKg: r.5, capacityVolumeM3: r.6,
            gpsDeviceID: r.7,
            manualPosition: r.8.flatMap { try? JSONDecoder().decode(ManualPosition.self, from: Data($0.utf8)) },
            driverID: r.9, status: r.10, currentCargoID: r.11,
            currentCargo: r.12.flatMap { try? JSONDecoder().decode(CargoAssignment.self, from: Data($0.utf8)) },
            createdAt: r.13, updatedAt: r.14)
    }

    /// Creates a vehicle and, when it names a GPS device, binds that device to it.
    public func addVehicle(_ new: NewVehicle) async throws -> Vehicle {
        do {
            return try await insertVehicle(new)
        } catch let error as PostgresTransactionError {
            // Surface our own refusal (duplicate plate, device in use) rather than the wrapper.
            if let refusal = error.closureError as? FleetStoreError { throw refusal }
            throw error
        }
    }

    private func insertVehicle(_ new: NewVehicle) async throws -> Vehicle {
        let manual: String? = try new.manualPosition.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return try await client.withTransaction(logger: logger) { connection in
            let inserted: VehicleRow
            do {
                let rows = try await connection.query(
                    """
                    INSERT INTO vehicles (user_id, type, license_plate, capacity_weight_kg, capacity_volume_m3,
                                          gps_device_id, manual_position, driver_id, status)
                    VALUES (\(new.userID), \(new.type)::vehicle_type, \(new.licensePlate), \(new.capacityWeightKg),
                            \(new.capacityVolumeM3), \(new.gpsDeviceID), \(manual)::jsonb, \(new.driverID), \(new.status)::vehicle_status)
                    RETURNING \(unescaped: Self.vehicleColumns)
                    """, logger: logger)
                guard let row = try await rows.decode(VehicleRow.self).first(where: { _ in true }) else {
                    throw DatabaseError.timeout("insert returned no row")
                }
                inserted = row
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                throw FleetStoreError.duplicatePlate(new.licensePlate)
            }
            if let imei = new.gpsDeviceID {
                // A device known from an earlier, deleted vehicle is rebound; one bound elsewhere is refused.
                try await bind(device: imei, to: inserted.1, on: connection)
            }
            return Self.vehicle(inserted)
        }
    }

    /// One of the user's vehicles, or nil (also when it belongs to someone else).
    public func vehicle(id: UUID, userID: String) async throws -> Vehicle? {
        let rows = try await client.query(
            "SELECT \(unescaped: Self.vehicleColumns) FROM vehicles WHERE id = \(id) AND user_id = \(userID)", logger: logger)
        for try await row in rows.decode(VehicleRow.self) { return Self.vehicle(row) }
        return nil
    }

    /// A page of the user's vehicles in `order`, with the total count of the filtered set.
    public func vehicles(
        userID: String, status: String?, search: String?, page: Int, limit: Int, order: VehicleOrder = .createdAscending
    ) async throws -> (vehicles: [Vehicle], total: Int) {
        let pattern = search.map {
            "%"
                + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(
                    of: "_", with: "\\_") + "%"
        }
        let offset = max(0, page - 1) * limit
        let filter: PostgresQuery = """
            SELECT count(*) OVER (), \(unescaped: Self.vehicleColumns) FROM vehicles
            WHERE user_id = \(userID)
              AND (\(status)::vehicle_status IS NULL OR status = \(status)::vehicle_status)
              AND (\(pattern)::text IS NULL OR license_plate ILIKE \(pattern))
            ORDER BY \(unescaped: order.sql)
            LIMIT \(limit) OFFSET \(offset)
            """
        var total = 0
        var vehicles: [Vehicle] = []
        let rows = try await client.query(filter, logger: logger)
        for try await row in rows.decode(
            (Int, UUID, Int64, String, String, String, Double, Double, String?, String?, String?, String, String?, String?, Date, Date).self)
        {
            total = row.0
            vehicles.append(
                Self.vehicle((row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12, row.13, row.14, row.15)))
        }
        if vehicles.isEmpty && page > 1 {
            // Past the last page the window function sees no rows: count separately.
            let countRows = try await client.query(
                """
                SELECT count(*) FROM vehicles WHERE user_id = \(userID)
                  AND (\(status)::vehicle_status IS NULL OR status = \(status)::vehicle_status)
                  AND (\(pattern)::text IS NULL OR license_plate ILIKE \(pattern))
                """, logger: logger)
            for try await count in countRows.decode(Int.self) { total = count }
        }
        return (vehicles, total)
    }

    /// The vehicle a device reports for, or nil when the device is unknown or unbound.
    public func binding(uniqueID: String) async throws -> DeviceBinding? {
        // No stored id holds a NUL (PostgreSQL text cannot), and sending one fails the query.
        if uniqueID.unicodeScalars.contains("\u{0}") { return nil }
        let rows = try await client.query(
            """
            SELECT d.id, d.unique_id, v.key, v.id, v.user_id FROM devices d JOIN vehicles v ON v.key = d.vehicle_key
            WHERE d.unique_id = \(uniqueID)
            """, logger: logger)
        for try await r in rows.decode((Int64, String, Int64, UUID, String).self) {
            return DeviceBinding(deviceID: r.0, uniqueID: r.1, vehicleKey: r.2, vehicleID: r.3, owner: r.4)
        }
        return nil
    }

    /// `GEOFLEET_AUTO_REGISTER=true`: an unknown device gets a vehicle of its own, owned by `owner`.
    public func autoRegister(uniqueID: String, owner: String) async throws -> DeviceBinding {
        if let existing = try await binding(uniqueID: uniqueID) { return existing }
        do {
            _ = try await addVehicle(
                NewVehicle(
                    userID: owner, type: "truck", licensePlate: "IMEI-\(uniqueID)", capacityWeightKg: 0, capacityVolumeM3: 0,
                    gpsDeviceID: uniqueID))
        } catch is FleetStoreError {
            // Another connection of the same device registered it first.
        }
        guard let binding = try await binding(uniqueID: uniqueID) else { throw FleetStoreError.deviceInUse(uniqueID) }
        return binding
    }

    /// Positions of one vehicle between two instants, oldest first.
    public func track(vehicleKey: Int64, from: Int64, to: Int64, limit: Int) async throws -> [TrackPoint] {
        let fromDate = WallClock.date(milliseconds: from)
        let toDate = WallClock.date(milliseconds: to)
        let rows = try await client.query(
            """
            SELECT fix_time, ST_Y(geom), ST_X(geom), speed_kmh, heading, source::text FROM positions
            WHERE vehicle_key = \(vehicleKey) AND fix_time >= \(fromDate) AND fix_time <= \(toDate)
            ORDER BY fix_time LIMIT \(limit)
            """, logger: logger)
        var points: [TrackPoint] = []
        for try await r in rows.decode((Date, Double, Double, Float, Float, String).self) {
            points.append(
                TrackPoint(
                    fixTime: WallClock.milliseconds(r.0), latitude: r.1, longitude: r.2,
                    speedKmh: Double(r.3), heading: Double(r.4), source: r.5))
        }
        return points
    }

    /// Every vehicle's newest position with its owner, to rebuild the hot index at start.
    public func latestPositions() async throws -> [LatestPosition] {
        let rows = try await client.query(
            """
            SELECT l.vehicle_key, v.user_id, l.fix_time, l.latitude, l.longitude, l.speed_kmh, l.heading, l.source::text
            FROM vehicle_latest l JOIN vehicles v ON v.key = l.vehicle_key
            """, logger: logger)
        var out: [LatestPosition] = []
        for try await r in rows.decode((Int64, String, Date, Double, Double, Float, Float, String).self) {
            out.append(
                LatestPosition(
                    vehicleKey: r.0, owner: r.1, fixTime: WallClock.milliseconds(r.2),
                    latitude: r.3, longitude: r.4, speedKmh: Double(r.5), heading: Double(r.6), source: r.7))
        }
        return out
    }

    /// The newest `perVehicle` fix times of every vehicle with history since `since`, to re-arm the
    /// in-memory duplicate check after a restart (a device resends what it was not acknowledged).
    public func recentFixTimes(perVehicle: Int, since: Int64) async throws -> [Int64: [Int64]] {
        let sinceDate = WallClock.date(milliseconds: since)
        let rows = try await client.query(
            """
            SELECT l.vehicle_key, p.fix_time FROM vehicle_latest l
            CROSS JOIN LATERAL (
                SELECT fix_time FROM positions WHERE vehicle_key = l.vehicle_key AND fix_time >= \(sinceDate)
                ORDER BY fix_time DESC LIMIT \(perVehicle)) p
            WHERE l.fix_time >= \(sinceDate)
            """, logger: logger)
        var out: [Int64: [Int64]] = [:]
        for try await r in rows.decode((Int64, Date).self) {
            out[r.0, default: []].append(WallClock.milliseconds(r.1))
        }
        return out
    }
}

extension FleetStore {
    /// Every vehicle, to fill the in-memory catalog at start.
    public func allVehicles() async throws -> [Vehicle] {
        var out: [Vehicle] = []
        let rows = try await client.query("SELECT \(unescaped: Self.vehicleColumns) FROM vehicles", logger: logger)
        for try await r in rows.decode(VehicleRow.self) { out.append(Self.vehicle(r)) }
        return out
    }

    /// Every vehicle of one user (a cluster node refreshing its catalog after another node's change).
    public func allVehicles(userID: String) async throws -> [Vehicle] {
        var out: [Vehicle] = []
        let rows = try await client.query("SELECT \(unescaped: Self.vehicleColumns) FROM vehicles WHERE user_id = \(userID)", logger: logger)
        for try await r in rows.decode(VehicleRow.self) { out.append(Self.vehicle(r)) }
        return out
    }
}
