import GeoFleetCore
import GeoFleetFences

/// The API's `area` object: `{type:"circle", center:{lat,long}, radiusMeters}`,
/// `{type:"polygon", coordinates:[[[long,lat],…]]}` (GeoJSON rings) or `{type:"corridor", line:[[long,lat],…], widthMeters}`.
public struct GeofenceAreaBody: Codable, Sendable, Equatable {
    /// A `{lat, long}` centre.
    public struct Center: Codable, Sendable, Equatable {
        public var lat: Double
        public var long: Double
    }
    public var type: String
    public var center: Center?
    public var radiusMeters: Double?
    public var coordinates: [[[Double]]]?
    public var line: [[Double]]?
    public var widthMeters: Double?

    /// The area as the evaluator takes it; throws with a reason a user can act on.
    public func area() throws(FenceAreaError) -> FenceArea {
        func point(_ pair: [Double], _ what: String) throws(FenceAreaError) -> GeoPoint {
            guard pair.count == 2 || pair.count == 3 else { throw FenceAreaError("\(what): a position is [long, lat]") }
            return GeoPoint(latitude: pair[1], longitude: pair[0])
        }
        let area: FenceArea
        switch type {
        case "circle":
            guard let center, let radiusMeters, coordinates == nil, line == nil, widthMeters == nil else {
                throw FenceAreaError("a circle has center {lat, long} and radiusMeters, nothing else")
            }
            area = .circle(center: GeoPoint(latitude: center.lat, longitude: center.long), radiusMeters: radiusMeters)
        case "polygon":
            guard let coordinates, center == nil, radiusMeters == nil, line == nil, widthMeters == nil else {
                throw FenceAreaError("a polygon has coordinates (GeoJSON rings of [long, lat]), nothing else")
            }
            let vertices = coordinates.reduce(0) { $0 + $1.count }
            guard vertices <= FenceArea.maxVertices else {
                throw FenceAreaError("a polygon has at most \(FenceArea.maxVertices) vertices, this one \(vertices)")
            }
            var rings: [[GeoPoint]] = []
            for (i, ring) in coordinates.enumerated() {
                var points: [GeoPoint] = []
                for pair in ring { points.append(try point(pair, "polygon ring \(i)")) }
                rings.append(points)
            }
            area = .polygon(rings: rings)
        case "corridor":
            guard let line, let widthMeters, center == nil, radiusMeters == nil, coordinates == nil else {
                throw FenceAreaError("a corridor has line ([[long, lat], …]) and widthMeters, nothing else")
            }
            guard line.count <= FenceArea.maxVertices else {
                throw FenceAreaError("a corridor has at most \(FenceArea.maxVertices) points, this one \(line.count)")
            }
            var points: [GeoPoint] = []
            for pair in line { points.append(try point(pair, "corridor line")) }
            area = .corridor(line: points, widthMeters: widthMeters)
        default:
            throw FenceAreaError("area.type must be circle, polygon or corridor")
        }
        return try area.validated()
    }

    /// The body of a stored area.
    public init(_ area: FenceArea) {
        switch area {
        case .circle(let center, let radius):
            self.init(type: "circle", center: Center(lat: center.latitude, long: center.longitude), radiusMeters: radius)
        case .polygon(let rings):
            self.init(type: "polygon", coordinates: rings.map { $0.map { [$0.longitude, $0.latitude] } })
        case .corridor(let line, let width):
            self.init(type: "corridor", line: line.map { [$0.longitude, $0.latitude] }, widthMeters: width)
        }
    }

    init(
        type: String, center: Center? = nil, radiusMeters: Double? = nil, coordinates: [[[Double]]]? = nil, line: [[Double]]? = nil,
        widthMeters: Double? = nil
    ) {
        self.type = type
        self.center = center
        self.radiusMeters = radiusMeters
        self.coordinates = coordinates
        self.line = line
        self.widthMeters = widthMeters
    }
}

extension FenceArea {
    /// A GeoJSON geometry for PostGIS and the buffer (metres) that makes it the area: a circle is its
    /// centre buffered by the radius, a corridor its line by half the width, a polygon itself.
    var postgisShape: (geoJSON: String, buffer: Double) {
        var w = JSONWriter(capacity: 128)
        w.beginObject()
        let buffer: Double
        switch self {
        case .circle(let center, let radius):
            w.key("type")
            w.string("Point")
            w.key("coordinates")
            Self.write(center, to: &w)
            buffer = radius
        case .polygon(let rings):
            w.key("type")
            w.string("Polygon")
            w.key("coordinates")
            w.beginArray()
            for ring in rings {
                w.beginArray()
                for p in ring { Self.write(p, to: &w) }
                // GeoJSON rings are closed; the body may have left it open.
                if let first = ring.first, first != ring.last { Self.write(first, to: &w) }
                w.endArray()
            }
            w.endArray()
            buffer = 0
        case .corridor(let line, let width):
            w.key("type")
            w.string("LineString")
            w.key("coordinates")
            w.beginArray()
            for p in line { Self.write(p, to: &w) }
            w.endArray()
            buffer = width / 2
        }
        w.endObject()
        return (w.text, buffer)
    }

    private static func write(_ p: GeoPoint, to w: inout JSONWriter) {
        w.beginArray()
        w.number(p.longitude)
        w.number(p.latitude)
        w.endArray()
    }
}
