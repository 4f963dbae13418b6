import GeoFleetCore
import GeoFleetRouting

/// Where an answer came from, as the API contract names it.
public enum RouteSource: String, Sendable {
    /// A road router computed it now (the built-in graph or the external service).
    case road
    /// A router's earlier answer, from the cache.
    case cache
    /// The fallback estimate; see `errorBand`.
    case heuristic
}

/// One leg's distance and duration, with where they came from.
public struct RouteEstimate: Sendable {
    public var distanceMeters: Double
    public var durationSeconds: Double
    public var source: RouteSource
    /// `builtin`, `osrm`, `valhalla` or `heuristic`.
    public var provider: String
    public var profile: VehicleProfile
    /// Snapped ends (built-in router only).
    public var from: SnappedPoint?
    public var to: SnappedPoint?
    public var geometry: [GeoPoint]?
    /// Metres per road class and tolled stretches (built-in router, with the geometry).
    public var composition: RouteComposition?
    /// The heuristic's range, when `source` is `heuristic`.
    public var errorBand: RouteHeuristic.Estimate?
    /// Why no router answered, when `source` is `heuristic`.
    public var fallbackReason: String?
}

/// A many-to-many answer; nil cells have no route.
public struct RouteMatrixAnswer: Sendable {
    public var distances: [[Double?]]
    public var durations: [[Double?]]
    public var source: RouteSource
    public var provider: String
    public var profile: VehicleProfile
    /// Snapped points (built-in router only); nil where a point did not snap.
    public var sources: [SnappedPoint?]?
    public var destinations: [SnappedPoint?]?
    /// The heuristic's relative error per cell, when `source` is `heuristic`.
    public var errorRatios: [[Double]]?
    public var fallbackReason: String?
}

/// A definite "no" from a router: the request is fine but there is no road answer, and guessing would be wrong.
public enum RouteServiceError: Error, Equatable, CustomStringConvertible {
    case noRoadNearby(String)
    case noRoute(String)

    public var description: String {
        switch self {
        case .noRoadNearby(let message), .noRoute(let message): return message
        }
    }

    /// The API's error code.
    public var code: String {
        switch self {
        case .noRoadNearby: return "no_road_nearby"
        case .noRoute: return "no_route"
        }
    }
}
