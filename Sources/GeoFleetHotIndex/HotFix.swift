import GeoFleetCore

/// A vehicle's latest known position, as the hot index keeps it.
public struct HotFix: Sendable, Hashable {
    /// The vehicle's internal key (`vehicles.key`).
    public var vehicleKey: Int64
    public var latitude: Double
    public var longitude: Double
    /// Milliseconds since the Unix epoch (UTC).
    public var fixTime: Int64
    public var speedKmh: Double
    /// Degrees clockwise from north.
    public var heading: Double
    public var source: PositionSource

    public init(
        vehicleKey: Int64, latitude: Double, longitude: Double, fixTime: Int64,
        speedKmh: Double = 0, heading: Double = 0, source: PositionSource = .device
    ) {
        self.vehicleKey = vehicleKey
        self.latitude = latitude
        self.longitude = longitude
        self.fixTime = fixTime
        self.speedKmh = speedKmh
        self.heading = heading
        self.source = source
    }
}

/// One answer of a nearest-vehicles query.
public struct NearbyVehicle: Sendable, Hashable {
    public var fix: HotFix
    /// Great-circle distance from the query point (`GreatCircle.distanceMeters`).
    public var distanceMeters: Double

    public init(fix: HotFix, distanceMeters: Double) {
        self.fix = fix
        self.distanceMeters = distanceMeters
    }
}
