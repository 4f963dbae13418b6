import Foundation
import GeoFleetCore
import GeoFleetHotIndex
import GeoFleetPostGIS
import GeoFleetTracking
import Hummingbird

/// `/api/fleet/add` and `GET /api/fleet/vehicles`: adding and listing vehicles.
struct FleetRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("fleet/add", use: add)
        group.get("fleet/vehicles", use: list)
    }

    struct AddBody: StrictBody {
        struct Capacity: Decodable { var weight: Double; var volume: Double }
        struct Manual: Decodable { var lat: Double; var long: Double; var address: String? }
        var type: String
        var licensePlate: String
        var capacity: Capacity
        var driverId: String?
        var gpsDeviceId: String?
        var manualPosition: Manual?
        /// The device's claim code, when `gpsDeviceId` names one that needs it.
        var claimCode: String?
        static let allowedKeys: Set<String> = ["type", "licensePlate", "capacity", "driverId", "gpsDeviceId", "manualPosition", "claimCode"]
        static let nestedAllowedKeys: [String: Set<String>] = ["capacity": ["weight", "volume"], "manualPosition": ["lat", "long", "address"]]
    }

    struct AddResponse: ResponseEncodable { var success = true; var vehicleId: String }

    @Sendable func add(request: Request, context: APIRequestContext) async throws -> EditedResponse<AddResponse> {
        let user = try context.requireUser()
        let body = try await request.decodeStrict(AddBody.self, context: context)
        guard Validate.vehicleTypes.contains(body.type) else {
            throw APIError.badRequest("type must be one of \(Validate.vehicleTypes.sorted().joined(separator: ", "))")
        }
        var manual: ManualPosition?
        if let m = body.manualPosition {
            manual = ManualPosition(
                lat: try Validate.latitude(m.lat, field: "manualPosition.lat"),
                long: try Validate.longitude(m.long, field: "manualPosition.long"),
                address: try m.address.map { try Validate.address($0, field: "manualPosition.address") })
        }
        let new = NewVehicle(
            userID: user.id, type: body.type, licensePlate: try Validate.plate(body.licensePlate),
            capacityWeightKg: try Validate.capacity(body.capacity.weight, field: "capacity.weight", max: 100_000),
            capacityVolumeM3: try Validate.capacity(body.capacity.volume, field: "capacity.volume", max: 500),
            driverID: try body.driverId.map { try Validate.reference($0, field: "driverId") },
            gpsDeviceID: try body.gpsDeviceId.map { try Validate.deviceID($0) },
            manualPosition: manual)
        var hasClaimCode = false
        if let device = new.gpsDeviceID {
            hasClaimCode = try await DeviceClaimRoutes.check(deps, device: device, code: body.claimCode, user: user.id)
        } else if body.claimCode != nil {
            throw APIError.badRequest("claimCode goes with gpsDeviceId")
        }
        let vehicle: Vehicle
        do {
            vehicle = try await deps.store.addVehicle(new)
        } catch let error as FleetStoreError {
            throw APIError(.conflict, error.description)
        }
        context.audit?.object("vehicle:\(vehicle.id.uuidString.lowercased())", account: vehicle.userID, vehicleKey: vehicle.key)
        context.audit?.change(before: nil, after: AuditSnapshot(vehicle: vehicle))
        if hasClaimCode, let device = vehicle.gpsDeviceID { try? await deps.claims?.claimed(device: device, by: user.id) }
        deps.catalog.insert(.init(vehicle))
        // The device may have been refused a moment ago and remembered as unknown: it works at once now.
        vehicle.gpsDeviceID.map(deps.directory.invalidate)
        if let manual {
            try await deps.pipeline.ingestManual(
                vehicleKey: vehicle.key, owner: vehicle.userID, latitude: manual.lat, longitude: manual.long, fixTime: nil)
        }
        context.logger.info("vehicle added", metadata: ["vehicle": "\(vehicle.id.uuidString.lowercased())"])
        return EditedResponse(status: .created, response: AddResponse(vehicleId: vehicle.id.uuidString.lowercased()))
    }

    struct VehicleDTO: Encodable {
        struct Capacity: Encodable { var weight: Double; var volume: Double }
        var id: String
        var type: String
        var license: String
        var capacity: Capacity
        var gpsId: String?
        var status: String
        var driverId: String?
        var currentCargoId: String?
        var currentCargo: CargoDTO?
        var createdAt: String
        /// `online`, `unknown` or `offline` (absent when tracking is off).
        var connectivity: String?
    }

    struct ListResponse: ResponseEncodable {
        struct Pagination: Encodable { var total: Int; var pages: Int; var page: Int; var limit: Int }
        var vehicles: [VehicleDTO]
        var pagination: Pagination
    }

    @Sendable func list(request: Request, context: APIRequestContext) async throws -> ListResponse {
        let user = try context.requireUser()
        let q = request.uri.queryParameters
        let page = try Self.intParameter(q.get("page"), name: "page", default: 1, range: 1...100_000)
        let limit = try Self.intParameter(q.get("limit"), name: "limit", default: 20, range: 1...100)
        var status: String?
        if let s = q.get("status") {
            guard Validate.vehicleStatuses.contains(s) else {
                throw APIError.badRequest("status must be one of \(Validate.vehicleStatuses.sorted().joined(separator: ", "))")
            }
            status = s
        }
        let search = try q.get("search").map { try Validate.searchText(String($0), field: "search") }
        var order = VehicleOrder.createdAscending
        if let raw = q.get("sort") {
            guard let o = VehicleOrder(rawValue: raw) else {
                throw APIError.badRequest("sort must be one of \(VehicleOrder.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            order = o
        }
        let result = try await deps.store.vehicles(userID: user.id, status: status, search: search, page: page, limit: limit, order: order)
        let connectivity = deps.connectivity?.snapshot()
        return ListResponse(
            vehicles: result.vehicles.map { v in
                VehicleDTO(
                    id: v.id.uuidString.lowercased(), type: v.type, license: v.licensePlate,
                    capacity: .init(weight: v.capacityWeightKg, volume: v.capacityVolumeM3), gpsId: v.gpsDeviceID,
                    status: v.status, driverId: v.driverID, currentCargoId: v.currentCargoID,
                    currentCargo: v.currentCargo.map(CargoDTO.init),
                    createdAt: UTCTime.iso8601(milliseconds: Int64(v.createdAt.timeIntervalSince1970 * 1000)),
                    connectivity: connectivity?.classify(vehicleKey: v.key, latest: deps.hot.latest(vehicleKey: v.key, owner: user.id)).rawValue)
            },
            pagination: .init(total: result.total, pages: (result.total + limit - 1) / limit, page: page, limit: limit))
    }

    static func intParameter(_ raw: String?, name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw else { return value }
        guard let v = Int(raw), range.contains(v) else {
            throw APIError.badRequest("\(name) must be an integer between \(range.lowerBound) and \(range.upperBound)")
        }
        return v
    }
}
