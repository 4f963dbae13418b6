/// One fix of a vehicle track, as `GET /api/fleet/vehicles/{id}/track` returns it.
public struct TrackPoint: Sendable, Equatable {
    /// Fix time, milliseconds since the Unix epoch (UTC).
    public var time: Int64
    /// WGS84 latitude in degrees.
    public var latitude: Double
    /// WGS84 longitude in degrees.
    public var longitude: Double
    public var speedKmh: Double
    /// Degrees clockwise from north.
    public var heading: Double

    public init(time: Int64, latitude: Double, longitude: Double, speedKmh: Double = 0, heading: Double = 0) {
        self.time = time
        self.latitude = latitude
        self.longitude = longitude
        self.speedKmh = speedKmh
        self.heading = heading
    }
}

/// A dwell found by `TrackAnalysis.stops`: where (centroid of its fixes) and when a vehicle stood still.
public struct TrackStop: Sendable, Equatable {
    /// Centroid latitude of the stop's fixes, degrees.
    public var latitude: Double
    /// Centroid longitude of the stop's fixes, degrees.
    public var longitude: Double
    /// Time of the stop's first fix, milliseconds since the Unix epoch.
    public var start: Int64
    /// Time of the stop's last fix, milliseconds since the Unix epoch.
    public var end: Int64
    /// `(end - start) / 1000`, truncated.
    public var durationSeconds: Int
    /// Fixes in the stop (2 for a sleeping device: the fix before and the one after the gap).
    public var pointCount: Int

    public init(latitude: Double, longitude: Double, start: Int64, end: Int64, durationSeconds: Int, pointCount: Int) {
        self.latitude = latitude
        self.longitude = longitude
        self.start = start
        self.end = end
        self.durationSeconds = durationSeconds
        self.pointCount = pointCount
    }
}

/// Failures of PROJ or GEOS, all recoverable: the API falls back to the unsimplified track.
public enum GeometryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// PROJ could not create the transformation (unknown CRS, proj.db missing, ...), with PROJ's reason.
    case projectionUnavailable(String)
    /// Input point `index` could not be transformed (non-finite or out-of-range coordinate, PROJ error).
    case transformFailed(index: Int, reason: String)
    /// GEOS failed (context, geometry construction, simplification or mapping its result back).
    case geometryFailed(String)

    public var description: String {
        switch self {
        case .projectionUnavailable(let reason): "PROJ transformation unavailable: \(reason)"
        case .transformFailed(let index, let reason): "PROJ could not transform point \(index): \(reason)"
        case .geometryFailed(let reason): "GEOS failed: \(reason)"
        }
    }
}
