import Foundation
import GeoFleetCore
import GeoFleetHotIndex
import GeoFleetPostGIS
import Hummingbird

/// `PUT` and `DELETE /api/fleet/vehicles/{id}` and `PUT /api/fleet/vehicles/{id}/position`.
struct VehicleChangeRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.put("fleet/vehicles/:id", use: update)
        group.delete("fleet/vehicles/:id", use: delete)
        group.put("fleet/vehicles/:id/position", use: position)
    }

    struct Success: ResponseEncodable { var success = true }

    /// A point in a body: `{lat, long, address?}`.
    struct PointBody: Decodable {
        var lat: Double
        var long: Double
        var address: String?

        func validated(_ field: String) throws -> ManualPosition {
            ManualPosition(
                lat: try Validate.latitude(lat, field: "\(field).lat"), long: try Validate.longitude(long, field: "\(field).long"),
                address: try address.map { try Validate.address($0, field: "\(field).address") })
        }
    }

    /// The partial vehicle of `PUT`: an absent field stays as it is; `null` clears a nullable one.
    struct UpdateBody: StrictBody {
        struct Capacity: Decodable { var weight: Double?; var volume: Double? }
        struct Cargo: Decodable { var pickup: PointBody; var delivery: PointBody }
        var type: String?
        var licensePlate: String?
        var capacity: Capacity?
        var driverId: String??
        var gpsDeviceId: String??
        var status: String?
        var currentCargoId: String??
        var currentCargo: Cargo??
        /// The device's claim code, when `gpsDeviceId` binds one that needs it.
        var claimCode: String?
        static let allowedKeys: Set<String> = [
            "type", "licensePlate", "capacity", "driverId", "gpsDeviceId", "status", "currentCargoId", "currentCargo", "claimCode",
        ]
        static let nestedAllowedKeys: [String: Set<String>] = [
            "capacity": ["weight", "volume"], "currentCargo": ["pickup", "delivery"],
            "currentCargo.pickup": ["lat", "long", "address"], "currentCargo.delivery": ["lat", "long", "address"],
        ]

        enum CodingKeys: String, CodingKey {
            case type, licensePlate, capacity, driverId, gpsDeviceId, status, currentCargoId, currentCargo, claimCode
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decodeIfPresent(String.self, forKey: .type)
            licensePlate = try c.decodeIfPresent(String.self, forKey: .licensePlate)
            capacity = try c.decodeIfPresent(Capacity.self, forKey: .capacity)
            status = try c.decodeIfPresent(String.self, forKey: .status)
            driverId = try Self.nullable(c, .driverId)
            gpsDeviceId = try Self.nullable(c, .gpsDeviceId)
            currentCargoId = try Self.nullable(c, .currentCargoId)
            currentCargo = try Self.nullable(c, .currentCargo)
            claimCode = try c.decodeIfPresent(String.self, forKey: .claimCode)
        }

        /// nil when the key is absent, `.some(nil)` when it is `null`.
        static func nullable<T: Decodable>(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> T?? {
            guard c.contains(key) else { return nil }
            if try c.decodeNil(forKey: key) { return .some(nil) }
            return .some(try c.decode(T.self, forKey: key))
        }
    }

    @Sendable func update(request: Request, context: APIRequestContext) async throws -> Success {
        _ = try context.requireUser()
        let id = try Validate.uuid(try context.parameters.require("id"), field: "vehicle id")
        let body = try await request.decodeStrict(UpdateBody.self, context: context)
        var change = VehicleChange()
        if let t = body.type {
            guard Validate.vehicleTypes.contains(t) else {
                throw APIError.badRequest("type must be one of \(Validate.vehicleTypes.sorted().joined(separator: ", "))")
            }
            change.type = t
        }
        change.licensePlate = try body.licensePlate.map { try Validate.plate($0) }
        change.capacityWeightKg = try body.capacity?.weight.map { try Validate.capacity($0, field: "capacity.weight", max: 100_000) }
        change.capacityVolumeM3 = try body.capacity?.volume.map { try Validate.capacity($0, field: "capacity.volume", max: 500) }
        if let s = body.status {
            guard Validate.vehicleStatuses.contains(s) else {
                throw APIError.badRequest("status must be one of \(Validate.vehicleStatuses.sorted().joined(separator: ", "))")
            }
            change.status = s
        }
        change.driverID = try body.driverId.map { try $0.map { try Validate.reference($0, field: "driverId") } }
        change.gpsDeviceID = try body.gpsDeviceId.map { try $0.map { try Validate.deviceID($0) } }
        change.currentCargoID = try body.currentCargoId.map { try $0.map { try Validate.reference($0, field: "currentCargoId") } }
        change.currentCargo = try body.currentCargo.map { cargo in
            try cargo.map {
                CargoAssignment(pickup: try $0.pickup.validated("currentCargo.pickup"), delivery: try $0.delivery.validated("currentCargo.delivery"))
            }
        }
        if case .some(.some) = change.currentCargo, change.currentCargoID == nil {
            throw APIError.badRequest("currentCargo needs currentCargoId in the same request")
        }
        guard !change.isEmpty else { throw APIError.badRequest("the body changes nothing: send at least one field") }
        if body.claimCode != nil, case .none = change.gpsDeviceID { throw APIError.badRequest("claimCode goes with gpsDeviceId") }
        try await apply(change, to: id, claimCode: body.claimCode, context: context)
        return Success()
    }

    /// Applies a validated change to one of the caller's vehicles: the device claim check, the store,
    /// the caches and the status event; the audit gets the fields before and after.
    func apply(_ change: VehicleChange, to id: UUID, claimCode: String?, context: APIRequestContext) async throws {
        let user = try context.requireUser()
        var hasClaimCode = false
        if deps.claims != nil, case .some(.some(let device)) = change.gpsDeviceID {
            // Only a device new to this vehicle is a claim; keeping the same one needs no code.
            let current = try await deps.store.vehicle(id: id, userID: user.id)
            guard let current else { throw APIError.notFound("vehicle not found") }
            if current.gpsDeviceID != device {
                hasClaimCode = try await DeviceClaimRoutes.check(deps, device: device, code: claimCode, user: user.id)
            }
        }
        let outcome: VehicleUpdateOutcome
        do {
            // Only the owner's own vehicle may close connections: another tenant's id gets its 404 untouched.
            if let device = change.gpsDeviceID, deps.catalog.entries(owner: user.id).contains(where: { $0.id == id }) {
                // Rebinding: the device's open connections close and nothing is stored under the old binding after it.
                outcome = try await deps.directory.whileChanging(vehicle: id, devices: device.map { [$0] } ?? []) {
                    try await deps.store.updateVehicle(id: id, userID: user.id, change: change)
                }
            } else {
                outcome = try await deps.store.updateVehicle(id: id, userID: user.id, change: change)
            }
        } catch let error as FleetStoreError {
            throw APIError(.conflict, error.description)
        }
        guard case .updated(let before, let after) = outcome else { throw APIError.notFound("vehicle not found") }
        context.audit?.object("vehicle:\(id.uuidString.lowercased())", account: after.userID, vehicleKey: after.key)
        context.audit?.change(before: AuditSnapshot(vehicle: before), after: AuditSnapshot(vehicle: after))
        if hasClaimCode, let device = after.gpsDeviceID, device != before.gpsDeviceID {
            try? await deps.claims?.claimed(device: device, by: user.id)
        }
        deps.catalog.insert(.init(after))
        if before.gpsDeviceID != after.gpsDeviceID {
            // The device now reports for another vehicle, or for none: forget the cached binding.
            before.gpsDeviceID.map(deps.directory.invalidate)
            after.gpsDeviceID.map(deps.directory.invalidate)
        }
        if before.status != after.status {
            deps.events.publishStatusChange(userID: user.id, vehicleID: id, from: before.status, to: after.status)
            context.logger.info(
                "vehicle status changed",
                metadata: [
                    "vehicle": "\(id.uuidString.lowercased())", "from": "\(before.status)", "to": "\(after.status)",
                ])
        }
    }

    @Sendable func delete(request: Request, context: APIRequestContext) async throws -> Success {
        let user = try context.requireUser()
        let id = try Validate.uuid(try context.parameters.require("id"), field: "vehicle id")
        // Its device's open connections close first: nothing is stored for a deleted vehicle after this.
        // Only the owner's own vehicle may close connections: another tenant's id gets its 404 untouched.
        let outcome =
            deps.catalog.entries(owner: user.id).contains(where: { $0.id == id })
            ? try await deps.directory.whileChanging(vehicle: id, devices: []) { try await deps.store.deleteVehicle(id: id, userID: user.id) }
            : try await deps.store.deleteVehicle(id: id, userID: user.id)
        switch outcome {
        case .notFound:
            throw APIError.notFound("vehicle not found")
        case .carriesCargo(let cargo):
            throw APIError(.conflict, "vehicle carries active cargo \(cargo); clear currentCargoId first")
        case .deleted(let vehicle):
            context.audit?.object("vehicle:\(vehicle.id.uuidString.lowercased())", account: vehicle.userID, vehicleKey: vehicle.key)
            context.audit?.change(before: AuditSnapshot(vehicle: vehicle), after: nil)
            deps.catalog.remove(key: vehicle.key)
            deps.hot.remove(vehicleKey: vehicle.key, owner: vehicle.userID)
            deps.pipeline.filter.forget(vehicleKey: vehicle.key)
            vehicle.gpsDeviceID.map(deps.directory.invalidate)
            deps.events.closeVehicle(vehicle.id)
            context.logger.info("vehicle deleted", metadata: ["vehicle": "\(id.uuidString.lowercased())"])
            return Success()
        }
    }

    struct PositionBody: StrictBody {
        var lat: Double?
        var long: Double?
        var address: String?
        var timestamp: String?
        static let allowedKeys: Set<String> = ["lat", "long", "address", "timestamp"]
    }

    @Sendable func position(request: Request, context: APIRequestContext) async throws -> Success {
        let user = try context.requireUser()
        let id = try Validate.uuid(try context.parameters.require("id"), field: "vehicle id")
        let body = try await request.decodeStrict(PositionBody.self, context: context)
        guard let lat = body.lat, let long = body.long else {
            if body.address != nil {
                throw APIError.badRequest("an address without lat and long cannot be placed: GeoFleet has no geocoder yet; send lat and long")
            }
            throw APIError.badRequest("lat and long are required")
        }
        let point = ManualPosition(
            lat: try Validate.latitude(lat), long: try Validate.longitude(long),
            address: try body.address.map { try Validate.address($0, field: "address") })
        let now = deps.now()
        var fixTime: Int64?
        if let raw = body.timestamp {
            let t = try Validate.time(raw, field: "timestamp")
            guard t <= now + 60_000 else { throw APIError.badRequest("timestamp must not be in the future") }
            // The same window device fixes get (GEOFLEET_FILTER_PAST_SECONDS), and never before 2000.
            guard deps.pipeline.filter.acceptsFixTime(t, now: now) else {
                throw APIError.badRequest("timestamp is older than the history GeoFleet accepts")
            }
            fixTime = t
        }
        guard let vehicle = try await deps.store.vehicle(id: id, userID: user.id) else { throw APIError.notFound("vehicle not found") }
        context.audit?.object("vehicle:\(id.uuidString.lowercased())", account: vehicle.userID, vehicleKey: vehicle.key)
        context.audit?.change(before: nil, after: AuditSnapshot(position: point))
        try await deps.store.setManualPosition(vehicleKey: vehicle.key, point)
        try await deps.pipeline.ingestManual(
            vehicleKey: vehicle.key, owner: vehicle.userID, latitude: point.lat, longitude: point.long,
            fixTime: fixTime)
        return Success()
    }
}
