import Foundation
import GeoFleetCore

/// An equirectangular projection to metres around one reference point: x east, y north.
///
/// Fences are at most a few hundred kilometres across in practice, so the scale error away from the
/// reference latitude (about 1.5 % at ±0.5° near 60° N) only shifts the hysteresis band a little;
/// inside/outside of polygons is exact, since the map is affine in (lat, long).
struct LocalFrame: Sendable, Equatable {
    static let metersPerDegree = GreatCircle.earthRadiusMeters * Double.pi / 180

    let originLatitude: Double
    let originLongitude: Double
    let metersPerDegreeLongitude: Double

    init(latitude: Double, longitude: Double) {
        originLatitude = latitude
        originLongitude = longitude
        // Never zero, so that frames at the poles still invert.
        metersPerDegreeLongitude = max(Self.metersPerDegree * cos(latitude * Double.pi / 180), 1)
    }

    @inline(__always)
    func x(longitude: Double) -> Double { (longitude - originLongitude) * metersPerDegreeLongitude }

    @inline(__always)
    func y(latitude: Double) -> Double { (latitude - originLatitude) * Self.metersPerDegree }

    func point(x: Double, y: Double) -> GeoPoint {
        GeoPoint(latitude: originLatitude + y / Self.metersPerDegree, longitude: originLongitude + x / metersPerDegreeLongitude)
    }
}
