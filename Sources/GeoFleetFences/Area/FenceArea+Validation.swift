import GeoFleetCore

extension FenceArea {
    /// Most vertices one area may have, all rings or the whole line together.
    public static let maxVertices = 10_000
    /// Circle radius range, metres.
    public static let radiusRange: ClosedRange<Double> = 1...1_000_000
    /// Corridor total width range, metres.
    public static let corridorWidthRange: ClosedRange<Double> = 1...100_000

    /// Checks ranges and shape: lat ±90, long ±180, finite numbers, radius 1 m…1000 km, corridor width 1 m…100 km,
    /// ≥ 4 ring positions / ≥ 2 line points, total vertices ≤ `FenceArea.maxVertices`, rings not self-intersecting,
    /// holes inside the shell, no ring of zero area. Returns the area with every polygon ring closed.
    public func validated() throws(FenceAreaError) -> FenceArea {
        switch self {
        case .circle(let center, let radius):
            try Self.checkPosition(center, "circle center")
            guard radius.isFinite, Self.radiusRange.contains(radius) else {
                throw FenceAreaError("circle radius must be between 1 m and 1000 km, got \(radius) m")
            }
            return self
        case .corridor(let line, let width):
            guard line.count >= 2 else { throw FenceAreaError("corridor line needs at least 2 points, got \(line.count)") }
            guard line.count <= Self.maxVertices else {
                throw FenceAreaError("corridor line has \(line.count) points, more than the \(Self.maxVertices) allowed")
            }
            for (i, point) in line.enumerated() { try Self.checkPosition(point, "corridor point \(i)") }
            guard width.isFinite, Self.corridorWidthRange.contains(width) else {
                throw FenceAreaError("corridor width must be between 1 m and 100 km, got \(width) m")
            }
            guard line.contains(where: { $0 != line[0] }) else { throw FenceAreaError("corridor line has zero length") }
            return self
        case .polygon(let rings):
            return .polygon(rings: try PolygonValidation.validated(rings))
        }
    }

    static func checkPosition(_ point: GeoPoint, _ what: @autoclosure () -> String) throws(FenceAreaError) {
        guard point.latitude.isFinite, point.longitude.isFinite else {
            throw FenceAreaError("\(what()): coordinates must be finite numbers")
        }
        guard (-90...90).contains(point.latitude) else {
            throw FenceAreaError("\(what()): latitude \(point.latitude) is outside -90…90")
        }
        guard (-180...180).contains(point.longitude) else {
            throw FenceAreaError("\(what()): longitude \(point.longitude) is outside -180…180")
        }
    }
}
