import Foundation
import GeoFleetCore
import GeoFleetGeometry
import Hummingbird

/// `GET /api/fleet/vehicles/{id}/trips?from&to`: the drives between a vehicle's stops.
struct TripRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("fleet/vehicles/:id/trips", use: trips)
    }

    /// Fixes read for one answer, at most: a week of one fix every 10 s.
    static let maxFixes = 60_480

    @Sendable func trips(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try Validate.uuid(try context.parameters.require("id"), field: "vehicle id")
        let q = request.uri.queryParameters
        let to = try q.get("to").map { try Validate.time($0, field: "to") } ?? deps.now()
        let from = try q.get("from").map { try Validate.time($0, field: "from") } ?? (to - 86_400_000)
        guard from <= to else { throw APIError.badRequest("from must not be after to") }
        guard to - from <= 31 * 86_400_000 else { throw APIError.badRequest("from and to may be at most 31 days apart") }
        let stopMinutes = try FleetRoutes.intParameter(q.get("stopMinutes"), name: "stopMinutes", default: 5, range: 1...1440)
        let stopRadius = try FleetRoutes.intParameter(q.get("stopRadiusMeters"), name: "stopRadiusMeters", default: 100, range: 5...5000)
        guard let vehicle = try await deps.store.vehicle(id: id, userID: user.id) else { throw APIError.notFound("vehicle not found") }
        let rows = try await deps.store.track(vehicleKey: vehicle.key, from: from, to: to, limit: Self.maxFixes + 1)
        let points = rows.prefix(Self.maxFixes).map {
            GeoFleetGeometry.TrackPoint(time: $0.fixTime, latitude: $0.latitude, longitude: $0.longitude, speedKmh: $0.speedKmh, heading: $0.heading)
        }
        let stops = TrackAnalysis.stops(points, minDwellSeconds: stopMinutes * 60, radiusMetres: Double(stopRadius))
        let trips = TrackAnalysis.trips(points, stops: stops)
        var w = JSONWriter(capacity: 64 + trips.count * 320)
        w.beginObject()
        w.key("vehicleId")
        w.string(vehicle.id.uuidString.lowercased())
        w.key("trips")
        w.beginArray()
        for trip in trips {
            w.beginObject()
            w.key("start")
            w.date(milliseconds: trip.start)
            w.key("end")
            w.date(milliseconds: trip.end)
            w.key("startPosition")
            Self.point(trip.startPoint, &w)
            w.key("endPosition")
            Self.point(trip.endPoint, &w)
            w.key("distanceMeters")
            w.number(trip.distanceMetres.rounded())
            w.key("durationSeconds")
            w.number(trip.durationSeconds)
            w.key("maxSpeed")
            w.number(trip.maxSpeedKmh, decimals: 1)
            w.key("avgSpeed")
            w.number(trip.averageSpeedKmh, decimals: 1)
            w.endObject()
        }
        w.endArray()
        w.key("truncated")
        w.bool(rows.count > Self.maxFixes)
        w.endObject()
        return JSONResponse.ok(w)
    }

    static func point(_ p: GeoPoint, _ w: inout JSONWriter) {
        w.beginObject()
        w.key("lat")
        w.number(p.latitude, decimals: 6)
        w.key("long")
        w.number(p.longitude, decimals: 6)
        w.endObject()
    }
}
