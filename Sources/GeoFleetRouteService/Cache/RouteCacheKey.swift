import Foundation
import GeoFleetCore
import GeoFleetRouting

/// A route's cache key: both ends quantized to a grid of about 50 m, the profile, and the data version
/// (the built-in graph's source), so a rebuilt graph never serves answers from the old one.
public struct RouteCacheKey: Hashable, Sendable {
    /// Grid step in degrees of latitude: 0.00045° ≈ 50 m. Longitude steps are widened by 1/cos(latitude) to stay ≈ 50 m.
    public static let latitudeStep = 0.00045

    public var profile: String
    public var dataVersion: String
    public var fromLatitude: Int32
    public var fromLongitude: Int32
    public var toLatitude: Int32
    public var toLongitude: Int32

    public init(from: GeoPoint, to: GeoPoint, profile: String, dataVersion: String) {
        self.profile = profile
        self.dataVersion = dataVersion
        (fromLatitude, fromLongitude) = Self.quantize(from)
        (toLatitude, toLongitude) = Self.quantize(to)
    }

    static func quantize(_ point: GeoPoint) -> (Int32, Int32) {
        let row = (point.latitude / latitudeStep).rounded()
        // The longitude step comes from the row's latitude, so every point of a row shares one grid.
        let rowLatitude = row * latitudeStep
        let longitudeStep = latitudeStep / max(cos(rowLatitude * .pi / 180), 0.05)
        return (Int32(row), Int32((point.longitude / longitudeStep).rounded()))
    }

    /// The Redis key.
    public var redisKey: String {
        "geofleet:route:v1:\(dataVersion):\(profile):\(fromLatitude):\(fromLongitude):\(toLatitude):\(toLongitude)"
    }
}

/// What the cache keeps of a router's answer (never a heuristic one).
public struct CachedRoute: Sendable, Equatable {
    public var distanceMeters: Double
    public var durationSeconds: Double
    /// Which router answered: `builtin`, `osrm` or `valhalla`.
    public var provider: String

    public init(distanceMeters: Double, durationSeconds: Double, provider: String) {
        self.distanceMeters = distanceMeters
        self.durationSeconds = durationSeconds
        self.provider = provider
    }

    /// `distance duration provider`, compact for Redis.
    var redisValue: String { "\(distanceMeters) \(durationSeconds) \(provider)" }

    init?(redisValue: String) {
        let parts = redisValue.split(separator: " ")
        guard parts.count == 3, let distance = Double(parts[0]), let duration = Double(parts[1]),
            distance.isFinite, duration.isFinite, distance >= 0, duration >= 0
        else { return nil }
        self.init(distanceMeters: distance, durationSeconds: duration, provider: String(parts[2]))
    }
}
