import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetGeometry

/// Distance driven and stop detection.
@Suite struct TrackAnalysisTests {
    let frame = LocalFrame()

    @Test func bucharestToCluj() {
        let track = [
            TrackPoint(time: t0, latitude: 44.4268, longitude: 26.1025),
            TrackPoint(time: t0 + 3_600_000, latitude: 46.7712, longitude: 23.6236),
        ]
        let d = TrackAnalysis.distanceMetres(track)
        #expect(abs(d - 324_000) < 3_000)
        #expect(TrackAnalysis.distanceMetres(Array(track.prefix(1))) == 0)
        #expect(TrackAnalysis.distanceMetres([]) == 0)
    }

    @Test("three legs along the equator: 1° + 2° + 0.5° = 3.5 × 111 195.08 m")
    func threeLegs() {
        let lons = [0.0, 1.0, 3.0, 2.5]
        let track = lons.enumerated().map { TrackPoint(time: t0 + Int64($0.offset) * 60_000, latitude: 0, longitude: $0.element) }
        let degree = 2 * Double.pi * GreatCircle.earthRadiusMeters / 360 // 111 195.08 m
        #expect(abs(TrackAnalysis.distanceMetres(track) - 3.5 * degree) < 0.01)
        #expect(abs(TrackAnalysis.distanceMetres(track) - 389_182.8) < 1)
    }

    /// Every 10 s: drive 10 min east at 50 km/h, park 20 min jittering ≤ 14 m around (5 km, 0), drive 10 min north.
    func driveParkDrive() -> (points: [TrackPoint], parkStart: Int64) {
        var g = SeededGenerator(seed: 3)
        var points: [TrackPoint] = []
        let step = 50.0 / 3.6 * 10 // 138.9 m
        for i in 0..<60 { // t = 0 … 590 s, ends 139 m before the parking place
            points.append(frame.point(east: 5000 - Double(60 - i) * step, north: 0, time: t0 + Int64(i) * 10_000, speed: 50))
        }
        for i in 60...180 { // t = 600 … 1800 s: 121 fixes
            let r = Double.random(in: 0...14, using: &g), a = Double.random(in: 0..<(2 * .pi), using: &g)
            points.append(frame.point(east: 5000 + r * cos(a), north: r * sin(a), time: t0 + Int64(i) * 10_000))
        }
        for i in 181..<241 {
            points.append(frame.point(east: 5000, north: Double(i - 180) * step, time: t0 + Int64(i) * 10_000, speed: 50))
        }
        return (points, t0 + 600_000)
    }

    @Test func oneTwentyMinuteStop() {
        let (points, parkStart) = driveParkDrive()
        let stops = TrackAnalysis.stops(points, minDwellSeconds: 300, radiusMetres: 50)
        #expect(stops.count == 1)
        guard let stop = stops.first else { return }
        #expect(stop.start == parkStart)
        #expect(stop.end == parkStart + 1_200_000)
        #expect(stop.durationSeconds == 1_200)
        #expect(stop.pointCount == 121)
        let place = frame.point(east: 5000, north: 0, time: 0)
        let offset = GreatCircle.distanceMeters(
            lat1: stop.latitude, lon1: stop.longitude, lat2: place.latitude, lon2: place.longitude)
        #expect(offset < 5, "centroid \(offset) m from the parking place")
        // ≥ minDwell is inclusive.
        #expect(TrackAnalysis.stops(points, minDwellSeconds: 1_200, radiusMetres: 50).count == 1)
        #expect(TrackAnalysis.stops(points, minDwellSeconds: 1_201, radiusMetres: 50).isEmpty)
        #expect(TrackAnalysis.stops(points, minDwellSeconds: 1_800, radiusMetres: 50).isEmpty)
    }

    @Test("a 2 h gap between two close fixes (device asleep) is a stop; between far fixes it is not")
    func sleepingDevice() {
        var points = (0..<10).map { frame.point(east: Double($0) * 150, north: 0, time: t0 + Int64($0) * 10_000, speed: 54) }
        let asleep = t0 + 90_000
        points.append(frame.point(east: 1_358, north: 6, time: asleep + 7_200_000)) // 10 m from the last fix
        points += (1..<10).map { frame.point(east: 1_350, north: Double($0) * 150, time: asleep + 7_200_000 + Int64($0) * 10_000) }
        let stops = TrackAnalysis.stops(points, minDwellSeconds: 300, radiusMetres: 50)
        #expect(stops.count == 1)
        #expect(stops.first?.start == asleep)
        #expect(stops.first?.durationSeconds == 7_200)
        #expect(stops.first?.pointCount == 2)

        var far = points
        far[10] = frame.point(east: 1_850, north: 0, time: asleep + 7_200_000) // 500 m away: it drove meanwhile
        #expect(TrackAnalysis.stops(far, minDwellSeconds: 300, radiusMetres: 50).isEmpty)
    }

    @Test func centroidAcrossTheAntimeridian() {
        let points = [
            TrackPoint(time: t0, latitude: -17, longitude: 179.99995),
            TrackPoint(time: t0 + 600_000, latitude: -17, longitude: -179.99995),
        ]
        let stops = TrackAnalysis.stops(points, minDwellSeconds: 60, radiusMetres: 50)
        #expect(stops.count == 1)
        #expect(abs(abs(stops[0].longitude) - 180) < 1e-9)
    }
}
