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
    /// When the server received the fix (ms since the epoch); nil when unknown (manual positions, tests).
    public var receivedTime: Int64?

    public init(
        vehicleKey: Int64, latitude: Double, longitude: Double, fixTime: Int64,
        speedKmh: Double = 0, heading: Double = 0, source: PositionSource = .device, receivedTime: Int64? = nil
    ) {
        self.vehicleKey = vehicleKey
        self.latitude = latitude
        self.longitude = longitude
        self.fixTime = fixTime
        self.speedKmh = speedKmh
        self.heading = heading
        self.source = source
        self.receivedTime = receivedTime
    }

    /// The time that orders fixes for "latest": the fix time, but never later than when the server
    /// received it. A device clock running ahead would otherwise pin its map position until the wall
    /// clock caught up with it, hiding every real fix in between.
    public var orderingTime: Int64 {
        guard let receivedTime else { return fixTime }
        return min(fixTime, receivedTime)
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
