import GeoFleetCore

/// Where a requested point met the road network.
public struct SnappedPoint: Sendable, Equatable {
    public var input: GeoPoint
    public var location: GeoPoint
    public var distanceMeters: Double
    /// The OSM way snapped to.
    public var wayID: Int64
    let edge: Int
    /// How far along the edge, by distance, 0…1.
    let fraction: Double
}

/// Why the router could not answer.
public enum RoutingError: Error, Equatable, CustomStringConvertible {
    /// The point is farther than the limit from every road this profile can use.
    case noRoadNearby(point: String, limitMeters: Double)
    /// Both points are on the network but no road connects them for this profile.
    case noRoute

    public var description: String {
        switch self {
        case .noRoadNearby(let point, let limit):
            return "no road usable by this profile within \(Int(limit)) m of \(point)"
        case .noRoute:
            return "no road route connects these points for this profile"
        }
    }
}

/// A road route between two snapped points.
public struct RoadRoute: Sendable {
    public var distanceMeters: Double
    public var durationSeconds: Double
    /// What the route minimised (duration with preference penalties), seconds.
    public var weightSeconds: Double
    public var from: SnappedPoint
    public var to: SnappedPoint
    /// The driven line from the snapped start to the snapped end, when asked for.
    public var geometry: [GeoPoint]?
    /// The OSM ways driven, in order (consecutive repeats merged), when the geometry was asked for.
    public var wayIDs: [Int64]?
    /// Metres per road class and the tolled stretches, when the geometry was asked for.
    public var composition: RouteComposition?
}

/// A many-to-many answer; a nil cell has no route, a nil point did not snap.
public struct RoadMatrix: Sendable {
    public var sources: [SnappedPoint?]
    public var destinations: [SnappedPoint?]
    /// Row-major, sources × destinations.
    public var distances: [[Double?]]
    public var durations: [[Double?]]
}
