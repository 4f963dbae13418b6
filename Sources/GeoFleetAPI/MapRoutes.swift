import Foundation
import GeoFleetCore
import GeoFleetHotIndex
import GeoFleetPostGIS
import Hummingbird

/// `/api/map/gps` and `/api/fleet/nearby`: answered from the in-memory hot index.
struct MapRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("map/gps", use: gps)
        group.get("fleet/nearby", use: nearby)
    }

    /// The map's answer, written by hand: it is the API's hottest and largest response, and
    /// Foundation's JSONEncoder spent most of its time (see BENCHMARKS.md, "The API under load").
    struct GPSResponse: ResponseGenerator {
        struct Item {
            var vehicleId: String
            var fix: HotFix
            var cargoID: String?
            var cargo: CargoAssignment?
        }
        var positions: [Item]

        func response(from request: Request, context: some RequestContext) throws -> Response {
            var out = "{\"positions\":["
            out.reserveCapacity(32 + positions.count * 200)
            for (n, item) in positions.enumerated() {
                if n > 0 { out += "," }
                let f = item.fix
                out += "{\"vehicleId\":\"\(item.vehicleId)\",\"lat\":\(f.latitude),\"long\":\(f.longitude),"
                out += "\"timestamp\":\"\(UTCTime.iso8601(milliseconds: f.fixTime))\",\"speed\":\(f.speedKmh),\"heading\":\(f.heading),"
                out += "\"source\":\"\(f.source.name)\""
                if let id = item.cargoID {
                    out += ",\"cargo\":{\"id\":\(JSONText.quoted(id))"
                    if let c = item.cargo {
                        out += ",\"pickup\":" + Self.point(c.pickup) + ",\"delivery\":" + Self.point(c.delivery)
                    }
                    out += "}"
                }
                out += "}"
            }
            out += "]}"
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                             body: .init(byteBuffer: ByteBuffer(string: out)))
        }

        static func point(_ p: ManualPosition) -> String {
            "{\"lat\":\(p.lat),\"long\":\(p.long)" + (p.address.map { ",\"address\":" + JSONText.quoted($0) } ?? "") + "}"
        }
    }

    @Sendable func gps(request: Request, context: APIRequestContext) async throws -> GPSResponse {
        let user = try context.requireUser()
        var fixes: [HotFix]
        if let raw = request.uri.queryParameters.get("vehicleId") {
            let id = try Validate.uuid(String(raw), field: "vehicleId")
            guard let vehicle = try await deps.store.vehicle(id: id, userID: user.id) else { throw APIError.notFound("vehicle not found") }
            fixes = deps.hot.latest(vehicleKey: vehicle.key, owner: user.id).map { [$0] } ?? []
        } else {
            fixes = deps.hot.latest(owner: user.id)
        }
        fixes.sort { $0.vehicleKey < $1.vehicleKey }
        return GPSResponse(positions: fixes.compactMap { fix in
            guard let entry = deps.catalog.entry(key: fix.vehicleKey), entry.owner == user.id else { return nil }
            return .init(vehicleId: entry.id.uuidString.lowercased(), fix: fix, cargoID: entry.cargoID, cargo: entry.cargo)
        })
    }

    struct NearbyResponse: ResponseEncodable {
        struct Item: Encodable {
            var vehicleId: String
            var distanceKm: Double
            var lat: Double
            var long: Double
            var timestamp: String
        }
        var vehicles: [Item]
    }

    @Sendable func nearby(request: Request, context: APIRequestContext) async throws -> NearbyResponse {
        let user = try context.requireUser()
        let q = request.uri.queryParameters
        guard let latRaw = q.get("lat"), let lat = Double(latRaw) else { throw APIError.badRequest("lat is required and must be a number") }
        guard let lonRaw = q.get("long"), let lon = Double(lonRaw) else { throw APIError.badRequest("long is required and must be a number") }
        _ = try Validate.latitude(lat)
        _ = try Validate.longitude(lon)
        var radiusKm = 50.0
        if let raw = q.get("radiusKm") {
            guard let r = Double(raw), r.isFinite, r > 0, r <= 20_000 else { throw APIError.badRequest("radiusKm must be a number in (0, 20000]") }
            radiusKm = r
        }
        let limit = try FleetRoutes.intParameter(q.get("limit"), name: "limit", default: 10, range: 1...500)
        let found = deps.hot.nearest(owner: user.id, latitude: lat, longitude: lon, limit: limit, maxDistanceMeters: radiusKm * 1000)
        return NearbyResponse(vehicles: found.compactMap { item in
            guard let entry = deps.catalog.entry(key: item.fix.vehicleKey), entry.owner == user.id else { return nil }
            return .init(vehicleId: entry.id.uuidString.lowercased(), distanceKm: (item.distanceMeters / 10).rounded() / 100,
                         lat: item.fix.latitude, long: item.fix.longitude, timestamp: UTCTime.iso8601(milliseconds: item.fix.fixTime))
        })
    }
}
