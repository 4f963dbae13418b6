import Foundation
import GeoFleetCore
import GeoFleetHotIndex
import GeoFleetLive
import GeoFleetPostGIS
import GeoFleetTracking
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
    struct GPSResponse: WrittenJSONResponse {
        struct Item {
            var vehicleId: String
            var fix: HotFix
            var cargoID: String?
            var cargo: CargoAssignment?
            var connectivity: String?
        }
        var positions: [Item]

        func json() -> [UInt8] {
            var w = JSONWriter(capacity: 32 + positions.count * 200)
            w.beginObject()
            w.key("positions")
            w.beginArray()
            for item in positions {
                let f = item.fix
                w.beginObject()
                FleetEvent.writePosition(
                    vehicleId: item.vehicleId, latitude: f.latitude, longitude: f.longitude, fixTime: f.fixTime,
                    speedKmh: f.speedKmh, heading: f.heading, source: f.source, to: &w)
                if let connectivity = item.connectivity {
                    w.key("connectivity")
                    w.string(connectivity)
                }
                if let id = item.cargoID {
                    w.key("cargo")
                    w.beginObject()
                    w.key("id")
                    w.string(id)
                    if let c = item.cargo {
                        w.key("pickup")
                        Self.point(c.pickup, &w)
                        w.key("delivery")
                        Self.point(c.delivery, &w)
                    }
                    w.endObject()
                }
                w.endObject()
            }
            w.endArray()
            w.endObject()
            return w.bytes
        }

        static func point(_ p: ManualPosition, _ w: inout JSONWriter) {
            w.beginObject()
            w.key("lat")
            w.number(p.lat)
            w.key("long")
            w.number(p.long)
            if let address = p.address {
                w.key("address")
                w.string(address)
            }
            w.endObject()
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
        let owned = deps.catalog.entries(keys: fixes.map(\.vehicleKey)) { entry in
            entry.owner == user.id ? (id: entry.id, cargoID: entry.cargoID, cargo: entry.cargo) : nil
        }
        let connectivity = deps.connectivity?.snapshot()
        return GPSResponse(
            positions: zip(fixes, owned).compactMap { fix, entry in
                guard let entry else { return nil }
                return .init(
                    vehicleId: entry.id.apiText, fix: fix, cargoID: entry.cargoID, cargo: entry.cargo,
                    connectivity: connectivity?.classify(vehicleKey: fix.vehicleKey, latest: fix).rawValue)
            })
    }

    /// The nearby answer, written by hand: Foundation's JSONEncoder cost more than the search itself.
    struct NearbyResponse: WrittenJSONResponse {
        struct Item {
            var vehicleId: String
            var distanceKm: Double
            var lat: Double
            var long: Double
            /// The fix time, in milliseconds since 1970.
            var timestamp: Int64
        }
        var vehicles: [Item]

        func json() -> [UInt8] {
            var w = JSONWriter(capacity: 16 + vehicles.count * 140)
            w.beginObject()
            w.key("vehicles")
            w.beginArray()
            for item in vehicles {
                w.beginObject()
                w.key("vehicleId")
                w.string(item.vehicleId)
                w.key("distanceKm")
                w.number(item.distanceKm)
                w.key("lat")
                w.number(item.lat)
                w.key("long")
                w.number(item.long)
                w.key("timestamp")
                w.date(milliseconds: item.timestamp)
                w.endObject()
            }
            w.endArray()
            w.endObject()
            return w.bytes
        }
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
        let owned = deps.catalog.entries(keys: found.map(\.fix.vehicleKey)) { $0.owner == user.id ? $0.id : nil }
        return NearbyResponse(
            vehicles: zip(found, owned).compactMap { item, id in
                guard let id else { return nil }
                return .init(
                    vehicleId: id.apiText, distanceKm: (item.distanceMeters / 10).rounded() / 100,
                    lat: item.fix.latitude, long: item.fix.longitude, timestamp: item.fix.fixTime)
            })
    }
}
