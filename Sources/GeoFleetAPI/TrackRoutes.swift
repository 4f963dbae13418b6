import Foundation
import GeoFleetCore
import GeoFleetGeometry
import GeoFleetPostGIS
import HTTPTypes
import Hummingbird

/// `GET /api/fleet/vehicles/{id}/track`: a vehicle's positions between two instants, paginated, with the
/// distance driven and its stops, optionally simplified (Douglas-Peucker in metres), as JSON or GeoJSON.
struct TrackRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("fleet/vehicles/:id/track", use: track)
    }

    /// The largest page; a longer range is read page by page with `next`.
    static let maxPageSize = 10_000

    struct TrackResponse: ResponseEncodable {
        struct Point: Encodable {
            var lat: Double; var long: Double; var timestamp: String; var speed: Double; var heading: Double; var source: String
        }
        struct Stop: Encodable { var lat: Double; var long: Double; var start: String; var end: String; var durationSeconds: Int }
        var vehicleId: String
        var from: String
        var to: String
        var positions: [Point]
        /// Fixes in this page before simplification.
        var pointCount: Int
        /// Metres driven over this page's fixes (great circle between consecutive fixes).
        var distanceMeters: Double
        var stops: [Stop]
        /// The tolerance used, when the track was simplified.
        var simplifiedToleranceMeters: Double?
        /// True when the range holds more fixes than this page.
        var truncated: Bool
        /// Where the next page starts: pass it as `from` (with the same `to`).
        var next: String?
    }

    @Sendable func track(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try Validate.uuid(try context.parameters.require("id"), field: "vehicle id")
        let q = request.uri.queryParameters
        let now = deps.now()
        let to = try q.get("to").map { try Validate.time($0, field: "to") } ?? now
        let from = try q.get("from").map { try Validate.time($0, field: "from") } ?? (to - 86_400_000)
        guard from <= to else { throw APIError.badRequest("from must not be after to") }
        let limit = try FleetRoutes.intParameter(q.get("limit"), name: "limit", default: Self.maxPageSize, range: 1...Self.maxPageSize)
        let tolerance = try q.get("simplify").map { raw -> Double in
            guard let t = Double(raw), t.isFinite, t >= 0, t <= 10_000 else {
                throw APIError.badRequest("simplify must be a tolerance in metres, 0 to 10000")
            }
            return t
        }
        let stopMinutes = try FleetRoutes.intParameter(q.get("stopMinutes"), name: "stopMinutes", default: 5, range: 1...1440)
        let stopRadius = try FleetRoutes.intParameter(q.get("stopRadiusMeters"), name: "stopRadiusMeters", default: 100, range: 5...5000)
        guard let vehicle = try await deps.store.vehicle(id: id, userID: user.id) else { throw APIError.notFound("vehicle not found") }

        let rows = try await deps.store.track(vehicleKey: vehicle.key, from: from, to: to, limit: limit + 1)
        let page = Array(rows.prefix(limit))
        let truncated = rows.count > limit
        let points = page.map {
            GeoFleetGeometry.TrackPoint(time: $0.fixTime, latitude: $0.latitude, longitude: $0.longitude, speedKmh: $0.speedKmh, heading: $0.heading)
        }
        let distance = TrackAnalysis.distanceMetres(points)
        let stops = TrackAnalysis.stops(points, minDwellSeconds: stopMinutes * 60, radiusMetres: Double(stopRadius))
        var kept = Array(page.indices)
        if let tolerance, tolerance > 0, points.count > 2 {
            guard let projection = deps.projection else {
                throw APIError(.serviceUnavailable, "track simplification is unavailable: PROJ could not set up EPSG:3035")
            }
            kept = try TrackSimplifier.simplifiedIndices(points, toleranceMetres: tolerance, projection: projection)
        }
        let vehicleID = vehicle.id.uuidString.lowercased()
        let nextFrom = truncated ? page.last.map { UTCTime.iso8601(milliseconds: $0.fixTime + 1) } : nil

        if Self.wantsGeoJSON(request) {
            let body = TrackGeoJSON.featureCollection(vehicleId: vehicleID, points: kept.map { points[$0] }, stops: stops, distanceMetres: distance)
            var headers: HTTPFields = [.contentType: "application/geo+json"]
            // GeoJSON has no room for paging: the next page's start travels in a header.
            if let nextFrom { headers[HTTPField.Name("X-Next-From")!] = nextFrom }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let response = TrackResponse(
            vehicleId: vehicleID, from: UTCTime.iso8601(milliseconds: from), to: UTCTime.iso8601(milliseconds: to),
            positions: kept.map { i in
                let p = page[i]
                return .init(
                    lat: p.latitude, long: p.longitude, timestamp: UTCTime.iso8601(milliseconds: p.fixTime),
                    speed: p.speedKmh, heading: p.heading, source: p.source)
            },
            pointCount: page.count, distanceMeters: (distance * 10).rounded() / 10,
            stops: stops.map {
                .init(
                    lat: $0.latitude, long: $0.longitude, start: UTCTime.iso8601(milliseconds: $0.start),
                    end: UTCTime.iso8601(milliseconds: $0.end), durationSeconds: $0.durationSeconds)
            },
            simplifiedToleranceMeters: (tolerance ?? 0) > 0 ? tolerance : nil, truncated: truncated, next: nextFrom)
        return try response.response(from: request, context: context)
    }

    static func wantsGeoJSON(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept]?.lowercased() else { return false }
        return accept.contains("application/geo+json")
    }
}
