import Foundation
import GeoFleetCore
import GeoFleetFences

/// Places in metres east/north of an origin (Munich), on the same sphere as `GreatCircle`.
struct Metres {
    var origin = GeoPoint(latitude: 48.137, longitude: 11.575)
    static let perDegree = GreatCircle.earthRadiusMeters * Double.pi / 180

    func point(east: Double, north: Double) -> GeoPoint {
        GeoPoint(
            latitude: origin.latitude + north / Self.perDegree,
            longitude: origin.longitude + east / (Self.perDegree * cos(origin.latitude * Double.pi / 180)))
    }

    /// A closed axis-aligned rectangle ring, counter-clockwise.
    func rectangle(west: Double, south: Double, east: Double, north: Double) -> [GeoPoint] {
        [
            point(east: west, north: south), point(east: east, north: south), point(east: east, north: north),
            point(east: west, north: north), point(east: west, north: south),
        ]
    }
}

/// 2026-11-26T08:00:00Z.
let t0 = UTCTime.milliseconds(year: 2026, month: 11, day: 26, hour: 8)

/// A fence id that reads well in failure messages.
func fenceID(_ n: Int) -> UUID {
    UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))!
}

/// Drives one vehicle through fixes and gathers what each caused.
struct Drive {
    var index: FenceIndex
    var owner = "user-a"
    var state = VehicleFenceState()

    init(_ fences: [Fence]) {
        index = FenceIndex()
        for fence in fences { index.upsert(fence) }
    }

    mutating func fix(
        _ point: GeoPoint, at time: Int64, speedKmh: Double = 50, accuracy: Double? = nil
    ) -> [FenceTransition] {
        FenceEvaluator.evaluate(
            fix: point, time: time, speedKmh: speedKmh, accuracyMeters: accuracy, owner: owner, index: index, state: &state)
    }
}
