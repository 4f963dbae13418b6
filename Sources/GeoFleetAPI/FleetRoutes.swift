import Foundation
import GeoFleetCore
import GeoFleetHotIndex
import GeoFleetIngest
import GeoFleetPostGIS
import Hummingbird

/// `/api/fleet/...`: adding and listing vehicles, and a vehicle's track.
struct FleetRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("fleet/add", use: add)
        group.get("fleet/vehicles", use: list)
        group.get("fleet/vehicles/:id/track", use: track)
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
        static let allowedKeys: Set<String> = ["type", "licensePlate", "capacity", "driverId", "gpsDeviceId", "manualPosition"]
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
            manual = ManualPosition(lat: try Validate.latitude(m.lat, field: "manualPosition.lat"),
                                    long: try Validate.longitude(m.long, field: "manualPosition.long"),
                                    address: m.address.map { String($0.prefix(300)) })
        }
        let new = NewVehicle(
            userID: user.id, type: body.type, licensePlate: try Validate.plate(body.licensePlate),
            capacityWeightKg: try Validate.capacity(body.capacity.weight, field: "capacity.weight", max: 100_000),
            capacityVolumeM3: try Validate.capacity(body.capacity.volume, field: "capacity.volume", max: 500),
            driverID: try body.driverId.map { try Validate.reference($0, field: "driverId") },
            gpsDeviceID: try body.gpsDeviceId.map { try Validate.deviceID($0) },
            manualPosition: manual)
        let vehicle: Vehicle
        do {
            vehicle = try await deps.store.addVehicle(new)
        } catch let error as FleetStoreError {
            throw APIError(.conflict, error.description)
        }
        deps.catalog.insert(.init(key: vehicle.key, id: vehicle.id, owner: vehicle.userID))
        if let manual {
            try await deps.pipeline.ingestManual(vehicleKey: vehicle.key, owner: vehicle.userID, latitude: manual.lat, longitude: manual.long, fixTime: nil)
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
        var createdAt: String
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
        let search = q.get("search").map { String($0.prefix(32)) }
        let result = try await deps.store.vehicles(userID: user.id, status: status, search: search, page: page, limit: limit)
        return ListResponse(
            vehicles: result.vehicles.map { v in
                VehicleDTO(
                    id: v.id.uuidString.lowercased(), type: v.type, license: v.licensePlate,
                    capacity: .init(weight: v.capacityWeightKg, volume: v.capacityVolumeM3), gpsId: v.gpsDeviceID,
                    status: v.status, driverId: v.driverID, currentCargoId: v.currentCargoID,
                    createdAt: UTCTime.iso8601(milliseconds: Int64(v.createdAt.timeIntervalSince1970 * 1000)))
            },
            pagination: .init(total: result.total, pages: (result.total + limit - 1) / limit, page: page, limit: limit))
    }

    struct TrackResponse: ResponseEncodable {
        struct Point: Encodable { var lat: Double; var long: Double; var timestamp: String; var speed: Double; var heading: Double; var source: String }
        var vehicleId: String
        var from: String
        var to: String
        var positions: [Point]
        /// True when the range held more points than one answer carries; ask again from the last timestamp.
        var truncated: Bool
    }

    static let maxTrackPoints = 10_000

    @Sendable func track(request: Request, context: APIRequestContext) async throws -> TrackResponse {
        let user = try context.requireUser()
        let id = try Validate.uuid(try context.parameters.require("id"), field: "vehicle id")
        guard let vehicle = try await deps.store.vehicle(id: id, userID: user.id) else { throw APIError.notFound("vehicle not found") }
        let q = request.uri.queryParameters
        let now = deps.now()
        let to = try q.get("to").map { try Self.time($0, name: "to") } ?? now
        let from = try q.get("from").map { try Self.time($0, name: "from") } ?? (to - 86_400_000)
        guard from <= to else { throw APIError.badRequest("from must not be after to") }
        let points = try await deps.store.track(vehicleKey: vehicle.key, from: from, to: to, limit: Self.maxTrackPoints + 1)
        return TrackResponse(
            vehicleId: vehicle.id.uuidString.lowercased(), from: UTCTime.iso8601(milliseconds: from), to: UTCTime.iso8601(milliseconds: to),
            positions: points.prefix(Self.maxTrackPoints).map {
                .init(lat: $0.latitude, long: $0.longitude, timestamp: UTCTime.iso8601(milliseconds: $0.fixTime),
                      speed: $0.speedKmh, heading: $0.heading, source: $0.source)
            },
            truncated: points.count > Self.maxTrackPoints)
    }

    static func intParameter(_ raw: String?, name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw else { return value }
        guard let v = Int(raw), range.contains(v) else {
            throw APIError.badRequest("\(name) must be an integer between \(range.lowerBound) and \(range.upperBound)")
        }
        return v
    }

    static func time(_ raw: String, name: String) throws -> Int64 {
        guard let ms = UTCTime.parseISO8601(raw) else { throw APIError.badRequest("\(name) must be an ISO 8601 time") }
        return ms
    }
}
