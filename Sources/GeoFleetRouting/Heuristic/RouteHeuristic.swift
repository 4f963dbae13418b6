import GeoFleetCore

/// The estimate used when no router can answer: great-circle distance × a circuity factor that falls
/// with distance, and a duration from a speed that rises with it (short legs are urban or mountain
/// roads, long legs mostly motorway). It carries an error band, and is never cached as a road answer.
///
/// Calibration (docs/notes on routing): on the Andorra, Liechtenstein and Monaco extracts the best
/// single factor is 1.45–1.6 with a median error of 12–20 % and a P90 of 42–51 %; the literature
/// gives 1.2–1.35 beyond 50 km. Speeds: 37–57 km/h effective on those small networks; 60–70 km/h
/// driving average for EU long-haul trucks.
public struct RouteHeuristic: Sendable {
    /// One distance band: up to `upToMeters` of straight-line distance.
    public struct Band: Sendable {
        public var upToMeters: Double
        public var circuity: Double
        /// Car speed in km/h for this band; trucks use the profile's share of it.
        public var carSpeedKmh: Double
        /// Relative error (P90-like) of the distance and duration in this band.
        public var errorRatio: Double
    }

    public static let bands: [Band] = [
        Band(upToMeters: 2_000, circuity: 1.7, carSpeedKmh: 25, errorRatio: 0.6),
        Band(upToMeters: 10_000, circuity: 1.55, carSpeedKmh: 40, errorRatio: 0.5),
        Band(upToMeters: 50_000, circuity: 1.4, carSpeedKmh: 55, errorRatio: 0.4),
        Band(upToMeters: 200_000, circuity: 1.3, carSpeedKmh: 75, errorRatio: 0.3),
        Band(upToMeters: .infinity, circuity: 1.22, carSpeedKmh: 90, errorRatio: 0.25),
    ]

    /// A heuristic answer with its band: the true value lies between low and high in about 9 cases out of 10.
    public struct Estimate: Sendable, Equatable {
        public var distanceMeters: Double
        public var durationSeconds: Double
        public var distanceRange: ClosedRange<Double>
        public var durationRange: ClosedRange<Double>
    }

    public init() {}

    public func estimate(from: GeoPoint, to: GeoPoint, profile: VehicleProfile) -> Estimate {
        let crow = GreatCircle.distanceMeters(lat1: from.latitude, lon1: from.longitude, lat2: to.latitude, lon2: to.longitude)
        let band = Self.bands.first { crow <= $0.upToMeters } ?? Self.bands[Self.bands.count - 1]
        let distance = crow * band.circuity
        let speed = min(band.carSpeedKmh * speedShare(profile), profile.motorwayCapKmh * 0.85)
        let duration = distance / (speed / 3.6)
        let error = band.errorRatio
        return Estimate(
            distanceMeters: distance, durationSeconds: duration,
            distanceRange: max(crow, distance * (1 - error))...(distance * (1 + error)),
            durationRange: (duration * (1 - error))...(duration * (1 + error))
        )
    }

    /// Trucks average less than cars on the same leg (speed limiters, slower climbs and bends).
    private func speedShare(_ profile: VehicleProfile) -> Double {
        switch profile.vehicleClass {
        case .car: return 1
        case .van: return 0.95
        case .rigid: return 0.85
        case .articulated: return 0.8
        }
    }
}
