import GeoFleetMatching
import Testing

@Suite("Driving-time estimate from positions")
struct DrivingTimeTrackerTests {
    static let hour: Int64 = 3_600_000
    static let t0: Int64 = 1_790_000_000_000

    /// Drives from `start` for `hours`, a fix every 5 minutes, 1 km further each time (60 km/h east-west).
    static func drive(_ tracker: DrivingTimeTracker, key: Int64 = 1, from start: Int64, hours: Double) -> Int64 {
        let steps = Int(hours * 12)
        var t = start
        for i in 0...steps {
            t = start + Int64(i) * 300_000
            tracker.record(vehicleKey: key, fixTime: t, latitude: 45, longitude: 25 + Double(i) * 0.0127, speedKmh: 60)
        }
        return t
    }

    @Test("continuous driving counts towards today and since the last break")
    func continuousDriving() {
        let tracker = DrivingTimeTracker()
        let end = Self.drive(tracker, from: Self.t0, hours: 4)
        let state = tracker.state(vehicleKey: 1, now: end + 60_000)
        #expect(state.drivenTodaySeconds == 4 * 3600)
        #expect(state.drivenSinceBreakSeconds == 4 * 3600)
    }

    @Test("a 45 min stop is a break; a 9 h stop starts a new day; shorter stops are neither")
    func resets() {
        let tracker = DrivingTimeTracker()
        var end = Self.drive(tracker, from: Self.t0, hours: 3)
        // 30 min parked (fixes with speed 0, same place): not a break.
        for i in 1...6 { tracker.record(vehicleKey: 1, fixTime: end + Int64(i) * 300_000, latitude: 45, longitude: 25 + 36 * 0.0127, speedKmh: 0) }
        #expect(tracker.state(vehicleKey: 1, now: end + 30 * 60_000).drivenSinceBreakSeconds == 3 * 3600)
        // Another 20 min parked, 50 min in all, then driving again: a break was taken.
        end = Self.drive(tracker, from: end + 50 * 60_000, hours: 1)
        var state = tracker.state(vehicleKey: 1, now: end)
        #expect(state.drivenTodaySeconds == 4 * 3600)
        #expect(state.drivenSinceBreakSeconds == 1 * 3600)
        // Asked 10 h later without new fixes: a daily rest has been taken.
        state = tracker.state(vehicleKey: 1, now: end + 10 * Self.hour)
        #expect(state.drivenTodaySeconds == 0)
        #expect(state.drivenSinceBreakSeconds == 0)
        // Asked 1 h later: the stop counts as a break but not as a rest.
        state = tracker.state(vehicleKey: 1, now: end + Self.hour)
        #expect(state.drivenTodaySeconds == 4 * 3600)
        #expect(state.drivenSinceBreakSeconds == 0)
    }

    @Test("a silence longer than the gap limit is not counted as driving; late fixes are ignored")
    func gapsAndLateFixes() {
        let tracker = DrivingTimeTracker()
        tracker.record(vehicleKey: 7, fixTime: Self.t0, latitude: 45, longitude: 25, speedKmh: 80)
        tracker.record(vehicleKey: 7, fixTime: Self.t0 + 2 * Self.hour, latitude: 45.5, longitude: 25.5, speedKmh: 80)
        #expect(tracker.state(vehicleKey: 7, now: Self.t0 + 2 * Self.hour).drivenTodaySeconds == 0)
        tracker.record(vehicleKey: 7, fixTime: Self.t0 + 2 * Self.hour + 600_000, latitude: 45.55, longitude: 25.5, speedKmh: 80)
        tracker.record(vehicleKey: 7, fixTime: Self.t0 + Self.hour, latitude: 44, longitude: 24, speedKmh: 80)
        #expect(tracker.state(vehicleKey: 7, now: Self.t0 + 2 * Self.hour + 600_000).drivenTodaySeconds == 600)
        #expect(tracker.state(vehicleKey: 99, now: Self.t0) == .init())
    }
}
