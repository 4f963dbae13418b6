import Foundation
import GeoFleetCore
@testable import GeoFleetGeometry

/// Builds tracks in local metres (east/north of an origin) and converts them to WGS84 fixes.
struct LocalFrame {
    var latitude0 = 45.0
    var longitude0 = 25.0
    static let metresPerDegree = 111_320.0

    func point(east: Double, north: Double, time: Int64, speed: Double = 0) -> TrackPoint {
        TrackPoint(
            time: time,
            latitude: latitude0 + north / Self.metresPerDegree,
            longitude: longitude0 + east / (Self.metresPerDegree * cos(latitude0 * .pi / 180)),
            speedKmh: speed,
            heading: 90)
    }
}

/// 2026-11-26T08:00:00Z.
let t0 = UTCTime.milliseconds(year: 2026, month: 11, day: 26, hour: 8)
