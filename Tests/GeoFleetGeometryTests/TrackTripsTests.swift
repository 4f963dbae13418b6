import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetGeometry

/// Trips between stops.
@Suite struct TrackTripsTests {
    let frame = LocalFrame()

    /// Drive 10 min east at 50 km/h, park 20 min, drive 10 min north at 50 km/h (a 90 km/h burst once).
    func driveParkDrive() -> [TrackPoint] {
        var points: [TrackPoint] = []
        let step = 50.0 / 3.6 * 10
        for i in 0..<60 { points.append(frame.point(east: Double(i) * step, north: 0, time: t0 + Int64(i) * 10_000, speed: i == 30 ? 90 : 50)) }
        for i in 60...180 { points.append(frame.point(east: 60 * step, north: 0, time: t0 + Int64(i) * 10_000)) }
        for i in 181..<241 {
            points.append(frame.point(east: 60 * step, north: Double(i - 180) * step, time: t0 + Int64(i) * 10_000, speed: 50))
        }
        return points
    }

    @Test func twoTripsAroundOneStop() {
        let points = driveParkDrive()
        let stops = TrackAnalysis.stops(points, minDwellSeconds: 300, radiusMetres: 50)
        #expect(stops.count == 1)
        let trips = TrackAnalysis.trips(points, stops: stops)
        #expect(trips.count == 2)
        guard trips.count == 2, let stop = stops.first else { return }
        #expect(trips[0].start == t0)
        #expect(trips[0].end == stop.start)
        #expect(trips[1].start == stop.end)
        #expect(trips[1].end == t0 + 240 * 10_000)
        // 60 steps of 138.9 m on each side (the local frame's metres are good to 0.2 %).
        #expect(abs(trips[0].distanceMetres / (60 * 50 / 3.6 * 10) - 1) < 0.002)
        #expect(abs(trips[1].distanceMetres / (60 * 50 / 3.6 * 10) - 1) < 0.002)
        #expect(trips[0].maxSpeedKmh == 90)
        #expect(trips[1].maxSpeedKmh == 50)
        #expect(abs(trips[0].averageSpeedKmh - 50) < 1)
        #expect(trips[0].durationSeconds == 600)
    }

    @Test func parkedAllAlongIsNoTrip() {
        let points = (0..<100).map { frame.point(east: Double($0 % 3), north: 0, time: t0 + Int64($0) * 60_000) }
        let stops = TrackAnalysis.stops(points, minDwellSeconds: 300, radiusMetres: 50)
        #expect(TrackAnalysis.trips(points, stops: stops).isEmpty)
        #expect(TrackAnalysis.trips([], stops: []).isEmpty)
    }

    @Test func noStopIsOneTrip() {
        let points = (0..<30).map { frame.point(east: Double($0) * 500, north: 0, time: t0 + Int64($0) * 30_000, speed: 60) }
        let trips = TrackAnalysis.trips(points, stops: [])
        #expect(trips.count == 1)
        #expect(abs((trips.first?.distanceMetres ?? 0) / (29 * 500) - 1) < 0.002)
    }
}
