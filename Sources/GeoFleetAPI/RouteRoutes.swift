import Foundation
import GeoFleetCore
import GeoFleetRouteService
import GeoFleetRouting
import Hummingbird

/// `POST /api/routes/estimate` and `POST /api/routes/matrix`: road distance and duration through the provider chain.
struct RouteRoutes: Sendable {
    let deps: FleetAPIDependencies
    /// A 1,000 × 1,000 request is about 80 KB of JSON; leave room for pretty-printed bodies.
    static let matrixBodyBytes = 4 * 1024 * 1024

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("routes/estimate", use: estimate)
        group.post("routes/matrix", use: matrix)
    }

    struct Point: Decodable {
        var lat: Double
        var long: Double

        func validated(_ field: String) throws -> GeoPoint {
            GeoPoint(latitude: try Validate.latitude(lat, field: "\(field).lat"), longitude: try Validate.longitude(long, field: "\(field).long"))
        }
    }

    struct DriverBody: Decodable {
        var drivenTodaySeconds: Double?
        var drivenSinceBreakSeconds: Double?
        var extendedDay: Bool?
        var reducedRest: Bool?
    }

    struct EstimateBody: StrictBody {
        var from: Point
        var to: Point
        var profile: String?
        var geometry: String?
        var driver: DriverBody?
        static let allowedKeys: Set<String> = ["from", "to", "profile", "geometry", "driver"]
        static let nestedAllowedKeys: [String: Set<String>] = [
            "from": ["lat", "long"], "to": ["lat", "long"],
            "driver": ["drivenTodaySeconds", "drivenSinceBreakSeconds", "extendedDay", "reducedRest"],
        ]
    }

    struct MatrixBody: StrictBody {
        var sources: [Point]
        var destinations: [Point]
        var profile: String?
        static let allowedKeys: Set<String> = ["sources", "destinations", "profile"]
    }

    enum GeometryFormat: String { case none, geojson, polyline, polyline6 }

    func profile(_ name: String?) throws -> VehicleProfile {
        guard let name else { return deps.routes.defaultProfile }
        guard let profile = VehicleProfile.named(name) else {
            throw APIError.badRequest("profile must be one of: \(VehicleClass.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return profile
    }

    @Sendable func estimate(request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await request.decodeStrict(EstimateBody.self, context: context)
        let from = try body.from.validated("from")
        let to = try body.to.validated("to")
        let profile = try profile(body.profile)
        guard let format = GeometryFormat(rawValue: body.geometry ?? "none") else {
            throw APIError.badRequest("geometry must be one of: none, geojson, polyline, polyline6")
        }
        var state = DrivingTimeRules.DriverState()
        if let driver = body.driver {
            for (value, field) in [(driver.drivenTodaySeconds, "drivenTodaySeconds"), (driver.drivenSinceBreakSeconds, "drivenSinceBreakSeconds")] {
                if let value, !(value.isFinite && (0...86_400).contains(value)) {
                    throw APIError.badRequest("driver.\(field) must be between 0 and 86400 seconds")
                }
            }
            state = .init(drivenTodaySeconds: driver.drivenTodaySeconds ?? 0, drivenSinceBreakSeconds: driver.drivenSinceBreakSeconds ?? 0)
        }
        let rules = DrivingTimeRules(extendedDay: body.driver?.extendedDay ?? false, reducedRest: body.driver?.reducedRest ?? false)
        let estimate: RouteEstimate
        do {
            estimate = try await deps.routes.estimate(from: from, to: to, profile: profile, geometry: format != .none)
        } catch {
            throw APIError(.unprocessableContent, error.description)
        }
        let plan = rules.plan(drivingSeconds: estimate.durationSeconds, from: state)
        return JSONResponse.ok(Self.estimateJSON(estimate, plan: plan, profile: profile.name, format: format))
    }

    /// The estimate's answer; distances and durations to one decimal, as OSRM answers (decimetres and
    /// tenths of a second are the graph's resolution).
    static func estimateJSON(_ estimate: RouteEstimate, plan: DrivingTimeRules.Plan, profile: String, format: GeometryFormat) -> JSONWriter {
        var w = JSONWriter(capacity: 512 + (estimate.geometry?.count ?? 0) * 26)
        w.beginObject()
        w.key("distanceMeters")
        w.number(estimate.distanceMeters, decimals: 1)
        w.key("durationSeconds")
        w.number(estimate.durationSeconds, decimals: 1)
        w.key("durationWithBreaksSeconds")
        w.number(plan.totalSeconds, decimals: 1)
        w.key("breaks")
        w.number(plan.breaks)
        w.key("dailyRests")
        w.number(plan.dailyRests)
        origin(estimate.source, estimate.provider, profile, &w)
        if let snappedFrom = estimate.from, let snappedTo = estimate.to {
            w.key("snapped")
            w.beginObject()
            w.key("from")
            snapped(snappedFrom, &w)
            w.key("to")
            snapped(snappedTo, &w)
            w.endObject()
        }
        if let band = estimate.errorBand {
            w.key("errorBand")
            w.beginObject()
            for (name, range): (StaticString, ClosedRange<Double>) in [
                ("distanceMeters", band.distanceRange), ("durationSeconds", band.durationRange),
            ] {
                w.key(name)
                w.beginArray()
                w.number(range.lowerBound, decimals: 1)
                w.number(range.upperBound, decimals: 1)
                w.endArray()
            }
            w.endObject()
        }
        if let reason = estimate.fallbackReason {
            w.key("fallbackReason")
            w.string(reason)
        }
        if let line = estimate.geometry {
            switch format {
            case .geojson:
                w.key("geometry")
                w.beginObject()
                w.key("type")
                w.string("LineString")
                w.key("coordinates")
                w.beginArray()
                for point in line {
                    w.beginArray()
                    coordinate(point.longitude, &w)
                    coordinate(point.latitude, &w)
                    w.endArray()
                }
                w.endArray()
                w.endObject()
            case .polyline:
                w.key("geometry")
                w.string(Polyline.encode(line, precision: 5))
            case .polyline6:
                w.key("geometry")
                w.string(Polyline.encode(line, precision: 6))
            case .none: break
            }
        }
        w.endObject()
        return w
    }

    @Sendable func matrix(request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await request.decodeStrict(MatrixBody.self, context: context, maxBytes: Self.matrixBodyBytes)
        guard !body.sources.isEmpty, !body.destinations.isEmpty else {
            throw APIError.badRequest("sources and destinations must each hold at least one point")
        }
        let limit = deps.routes.maxMatrixCells
        guard body.sources.count * body.destinations.count <= limit else {
            throw APIError.badRequest(
                "a matrix may hold at most \(limit) cells (sources × destinations); this one has \(body.sources.count * body.destinations.count)")
        }
        let sources = try body.sources.enumerated().map { try $1.validated("sources[\($0)]") }
        let destinations = try body.destinations.enumerated().map { try $1.validated("destinations[\($0)]") }
        let profile = try profile(body.profile)
        let answer = await deps.routes.matrix(sources: sources, destinations: destinations, profile: profile)
        return JSONResponse.ok(Self.matrixJSON(answer, profile: profile.name))
    }

    /// The matrix's answer: cells to one decimal like the estimate's, null where there is no route.
    static func matrixJSON(_ answer: RouteMatrixAnswer, profile: String) -> JSONWriter {
        let cells = answer.distances.reduce(0) { $0 + $1.count }
        var w = JSONWriter(capacity: 64 + cells * 18)
        w.beginObject()
        origin(answer.source, answer.provider, profile, &w)
        func table(_ rows: [[Double?]]) {
            w.beginArray()
            for row in rows {
                w.beginArray()
                for cell in row {
                    if let cell { w.number(cell, decimals: 1) } else { w.null() }
                }
                w.endArray()
            }
            w.endArray()
        }
        w.key("distances")
        table(answer.distances)
        w.key("durations")
        table(answer.durations)
        func points(_ points: [SnappedPoint?]) {
            w.beginArray()
            for point in points {
                if let point { snapped(point, &w) } else { w.null() }
            }
            w.endArray()
        }
        if let sources = answer.sources {
            w.key("sources")
            points(sources)
        }
        if let destinations = answer.destinations {
            w.key("destinations")
            points(destinations)
        }
        if let ratios = answer.errorRatios, let worst = ratios.joined().max() {
            w.key("errorRatio")
            w.number(worst, decimals: 1)
        }
        if let reason = answer.fallbackReason {
            w.key("fallbackReason")
            w.string(reason)
        }
        w.endObject()
        return w
    }

    /// Where an answer came from: `source`, `provider`, `profile`.
    static func origin(_ source: RouteSource, _ provider: String, _ profile: String, _ w: inout JSONWriter) {
        w.key("source")
        w.string(source.rawValue)
        w.key("provider")
        w.string(provider)
        w.key("profile")
        w.string(profile)
    }

    static func snapped(_ point: SnappedPoint, _ w: inout JSONWriter) {
        w.beginObject()
        w.key("lat")
        coordinate(point.location.latitude, &w)
        w.key("long")
        coordinate(point.location.longitude, &w)
        w.key("snapDistanceMeters")
        w.number(point.distanceMeters, decimals: 1)
        w.endObject()
    }

    /// Seven decimals (about 1 cm), like the graph's fixed-point coordinates; written shortest, so a
    /// whole degree reads `13.0`.
    static func coordinate(_ value: Double, _ w: inout JSONWriter) {
        w.number((value * 1e7).rounded() / 1e7)
    }
}
