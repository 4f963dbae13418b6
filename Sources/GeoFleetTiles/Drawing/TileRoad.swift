import GeoFleetCore
import GeoFleetRouting

/// A road as the renderer sees it: its class, flags, name and polyline.
public struct TileRoad: Sendable, Equatable {
    public var roadClass: RoadClass
    /// A motorway or trunk ramp: drawn thinner, in its class's colour.
    public var isLink: Bool
    /// Tagged with a weight, height, width or length limit, or `hgv=no` (the truck layer draws it).
    public var truckRestricted: Bool
    public var name: String?
    public var points: [GeoPoint]

    public init(roadClass: RoadClass, isLink: Bool = false, truckRestricted: Bool = false, name: String? = nil, points: [GeoPoint]) {
        self.roadClass = roadClass
        self.isLink = isLink
        self.truckRestricted = truckRestricted
        self.name = name
        self.points = points
    }
}

extension RoadClass {
    /// Whether this class is `other` or bigger (motorway is the biggest).
    func isAtLeast(_ other: RoadClass) -> Bool { rawValue <= other.rawValue }
}

/// Where a tile's roads come from: the loaded road graph, or a fixed list in tests.
public protocol TileRoadSource: Sendable {
    /// Names the data, so that ETags and disk-cached tiles change when it does.
    var identity: String { get }
    /// Roads of at least `minimum` class whose bounding box meets `box`.
    func roads(in box: GeoBox, minimum: RoadClass) -> [TileRoad]
}
