import Foundation
import PostgresNIO

/// What became of a vehicle update.
public enum VehicleUpdateOutcome: Sendable {
    case updated(before: Vehicle, after: Vehicle)
    case notFound
}

/// What became of a vehicle deletion.
public enum VehicleDeleteOutcome: Sendable {
    case deleted(Vehicle)
    case notFound
    /// It carries active cargo: the marketplace must clear the assignment first.
    case carriesCargo(String)
}

extension FleetStore {
    /// Applies a partial change to one of the user's vehicles, rebinding its GPS device if that changed.
    public func updateVehicle(id: UUID, userID: String, change: VehicleChange) async throws -> VehicleUpdateOutcome {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await update(id: id, userID: userID, change: change, on: connection)
            }
        } catch let error as PostgresTransactionError {
            if let refusal = error.closureError as? FleetStoreError { throw refusal }
            throw error
        }
    }

    private func update(id: UUID, userID: String, change: VehicleChange, on connection: PostgresConnection) async throws -> VehicleUpdateOutcome {
        guard let before = try await lockedVehicle(id: id, userID: userID, on: connection) else { return .notFound }
        var after = before
        if let v = change.type { after.type = v }
        if let v = change.licensePlate { after.licensePlate = v }
        if let v = change.capacityWeightKg { after.capacityWeightKg = v }
        if let v = change.capacityVolumeM3 { after.capacityVolumeM3 = v }
        if let v = change.driverID { after.driverID = v }
        if let v = change.gpsDeviceID { after.gpsDeviceID = v }
        if let v = change.status { after.status = v }
        if let v = change.currentCargoID { after.currentCargoID = v }
        if let v = change.currentCargo { after.currentCargo = v }
        // Clearing the cargo id clears its points too: an overlay without a cargo means nothing.
        if after.currentCargoID == nil { after.currentCargo = nil }
        let cargo: String? = try after.currentCargo.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        do {
            try await connection.query(
                """
                UPDATE vehicles SET type = \(after.type)::vehicle_type, license_plate = \(after.licensePlate),
                    capacity_weight_kg = \(after.capacityWeightKg), capacity_volume_m3 = \(after.capacityVolumeM3),
                    driver_id = \(after.driverID), gps_device_id = \(after.gpsDeviceID), status = \(after.status)::vehicle_status,
                    current_cargo_id = \(after.currentCargoID), current_cargo = \(cargo)::jsonb, updated_at = now()
                WHERE key = \(before.key)
                """, logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw FleetStoreError.duplicatePlate(after.licensePlate)
        }
        if after.gpsDeviceID != before.gpsDeviceID {
            try await connection.query("UPDATE devices SET vehicle_key = NULL WHERE vehicle_key = \(before.key)", logger: logger)
            if let device = after.gpsDeviceID {
                try await bind(device: device, to: before.key, on: connection)
            }
        }
        return .updated(before: before, after: after)
    }

    /// Deletes one of the user's vehicles unless it carries cargo. Its device is unbound (and may be
    /// bound again); its history stays in `positions` until retention removes it.
    public func deleteVehicle(id: UUID, userID: String) async throws -> VehicleDeleteOutcome {
        try await client.withTransaction(logger: logger) { connection in
            guard let vehicle = try await lockedVehicle(id: id, userID: userID, on: connection) else { return .notFound }
            if let cargo = vehicle.currentCargoID { return .carriesCargo(cargo) }
            try await connection.query("DELETE FROM vehicle_latest WHERE vehicle_key = \(vehicle.key)", logger: logger)
            // devices.vehicle_key is ON DELETE SET NULL: the binding goes with the row.
            try await connection.query("DELETE FROM vehicles WHERE key = \(vehicle.key)", logger: logger)
            return .deleted(vehicle)
        }
    }

    /// Records the dispatcher's manual position on the vehicle row (the position itself goes through ingest).
    public func setManualPosition(vehicleKey: Int64, _ position: ManualPosition) async throws {
        let json = String(decoding: try JSONEncoder().encode(position), as: UTF8.self)
        try await client.query(
            "UPDATE vehicles SET manual_position = \(json)::jsonb, updated_at = now() WHERE key = \(vehicleKey)", logger: logger)
    }

    /// Binds a device to a vehicle key; a device bound to another vehicle is refused.
    func bind(device: String, to key: Int64, on connection: PostgresConnection) async throws {
        let rows = try await connection.query(
            """
            INSERT INTO devices (unique_id, vehicle_key) VALUES (\(device), \(key))
            ON CONFLICT (unique_id) DO UPDATE SET vehicle_key = EXCLUDED.vehicle_key
            WHERE devices.vehicle_key IS NULL OR devices.vehicle_key = EXCLUDED.vehicle_key
            RETURNING id
            """, logger: logger)
        var bound = false
        for try await _ in rows.decode(Int64.self) { bound = true }
        if !bound { throw FleetStoreError.deviceInUse(device) }
    }

    private func lockedVehicle(id: UUID, userID: String, on connection: PostgresConnection) async throws -> Vehicle? {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.vehicleColumns) FROM vehicles WHERE id = \(id) AND user_id = \(userID) FOR UPDATE", logger: logger)
        for try await row in rows.decode(VehicleRow.self) { return Self.vehicle(row) }
        return nil
    }
}
