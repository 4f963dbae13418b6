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
        var out = "{\"distanceMeters\":\(Self.number(estimate.distanceMeters)),\"durationSeconds\":\(Self.number(estimate.durationSeconds))"
        out += ",\"durationWithBreaksSeconds\":\(Self.number(plan.totalSeconds)),\"breaks\":\(plan.breaks),\"dailyRests\":\(plan.dailyRests)"
        out += ",\"source\":\"\(estimate.source.rawValue)\",\"provider\":\"\(estimate.provider)\",\"profile\":\"\(profile.name)\""
        if let snappedFrom = estimate.from, let snappedTo = estimate.to {
            out += ",\"snapped\":{\"from\":" + Self.snapped(snappedFrom) + ",\"to\":" + Self.snapped(snappedTo) + "}"
        }
        if let band = estimate.errorBand {
            out += ",\"errorBand\":{\"distanceMeters\":[\(Self.number(band.distanceRange.lowerBound)),\(Self.number(band.distanceRange.upperBound))]"
            out += ",\"durationSeconds\":[\(Self.number(band.durationRange.lowerBound)),\(Self.number(band.durationRange.upperBound))]}"
        }
        if let reason = estimate.fallbackReason { out += ",\"fallbackReason\":" + JSONText.quoted(reason) }
        if let line = estimate.geometry {
            switch format {
            case .geojson:
                out += ",\"geometry\":{\"type\":\"LineString\",\"coordinates\":["
                for (index, point) in line.enumerated() {
                    if index > 0 { out += "," }
                    out += "[\(Self.coordinate(point.longitude)),\(Self.coordinate(point.latitude))]"
                }
                out += "]}"
            case .polyline: out += ",\"geometry\":" + JSONText.quoted(Polyline.encode(line, precision: 5))
            case .polyline6: out += ",\"geometry\":" + JSONText.quoted(Polyline.encode(line, precision: 6))
            case .none: break
            }
        }
        out += "}"
        return Self.json(out)
    }

    @Sendable func matrix(request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await request.decodeStrict(MatrixBody.self, context: context, maxBytes: Self.matrixBodyBytes)
        guard !body.sources.isEmpty, !body.destinations.isEmpty else {
            throw APIError.badRequest("sources and destinations must each hold at least one point")
        }
        let limit = deps.routes.maxMatrixCells
        guard body.sources.count * body.destinations.count <= limit else {
            throw APIError.badRequest("a matrix may hold at most \(limit) cells (sources × destinations); this one has \(body.sources.count * body.destinations.count)")
        }
        let sources = try body.sources.enumerated().map { try $1.validated("sources[\($0)]") }
        let destinations = try body.destinations.enumerated().map { try $1.validated("destinations[\($0)]") }
        let profile = try profile(body.profile)
        let answer = await deps.routes.matrix(sources: sources, destinations: destinations, profile: profile)
        var out = ""
        out.reserveCapacity(64 + sources.count * destinations.count * 18)
        out += "{\"source\":\"\(answer.source.rawValue)\",\"provider\":\"\(answer.provider)\",\"profile\":\"\(profile.name)\""
        func table(_ name: String, _ rows: [[Double?]]) {
            out += ",\"\(name)\":["
            for (index, row) in rows.enumerated() {
                out += index > 0 ? ",[" : "["
                for (column, cell) in row.enumerated() {
                    if column > 0 { out += "," }
                    if let cell { out += Self.number(cell) } else { out += "null" }
                }
                out += "]"
            }
            out += "]"
        }
        table("distances", answer.distances)
        table("durations", answer.durations)
        for (name, points) in [("sources", answer.sources), ("destinations", answer.destinations)] {
            guard let points else { continue }
            out += ",\"\(name)\":["
            for (index, point) in points.enumerated() {
                if index > 0 { out += "," }
                out += point.map(Self.snapped) ?? "null"
            }
            out += "]"
        }
        if let ratios = answer.errorRatios, let worst = ratios.joined().max() {
            out += ",\"errorRatio\":\(Self.number(worst))"
        }
        if let reason = answer.fallbackReason { out += ",\"fallbackReason\":" + JSONText.quoted(reason) }
        out += "}"
        return Self.json(out)
    }

    static func snapped(_ point: SnappedPoint) -> String {
        "{\"lat\":\(coordinate(point.location.latitude)),\"long\":\(coordinate(point.location.longitude)),\"snapDistanceMeters\":\(number(point.distanceMeters))}"
    }

    /// One decimal, as OSRM answers: decimetres and tenths of a second are the graph's resolution.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int64(tenths / 10)) : String(tenths / 10)
    }

    /// Seven decimals (about 1 cm), like the graph's fixed-point coordinates.
    static func coordinate(_ value: Double) -> String {
        String((value * 1e7).rounded() / 1e7)
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
