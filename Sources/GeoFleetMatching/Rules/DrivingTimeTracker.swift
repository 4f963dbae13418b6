import Foundation
import GeoFleetCore
import Synchronization

/// Estimates each driver's tachograph state from the vehicle's positions: driving today and since
/// the last break, under Regulation 561/2006's resets (a 45 min stop is a break, a 9 h stop a daily rest).
///
/// GeoFleet does not read the tachograph itself; a truck moving between two fixes is taken as driving,
/// and a silence longer than `maxDrivingGap` as stopped, which errs towards more driving time left.
public final class DrivingTimeTracker: Sendable {
    private struct Clock {
        var lastFix: Int64
        var lastLatitude: Double
        var lastLongitude: Double
        /// When the last driving interval ended.
        var lastDriving: Int64?
        var today: Double = 0
        var sinceBreak: Double = 0
    }

    /// Speeds at or above this (km/h) count as driving.
    public let movingKmh: Double
    /// A longer gap between fixes is not counted as driving.
    public let maxDrivingGapMs: Int64
    private let rules = DrivingTimeRules()
    private let clocks = Mutex<[Int64: Clock]>([:])

    public init(movingKmh: Double = 5, maxDrivingGapMs: Int64 = 15 * 60_000) {
        self.movingKmh = movingKmh
        self.maxDrivingGapMs = maxDrivingGapMs
    }

    /// Feeds one position; out-of-order (older) fixes are ignored.
    public func record(vehicleKey: Int64, fixTime: Int64, latitude: Double, longitude: Double, speedKmh: Double) {
        clocks.withLock { clocks in
            guard var clock = clocks[vehicleKey] else {
                clocks[vehicleKey] = Clock(lastFix: fixTime, lastLatitude: latitude, lastLongitude: longitude)
                return
            }
            guard fixTime > clock.lastFix else { return }
            let dt = fixTime - clock.lastFix
            let meters = GreatCircle.distanceMeters(lat1: clock.lastLatitude, lon1: clock.lastLongitude, lat2: latitude, lon2: longitude)
            let averageKmh = meters / (Double(dt) / 1000) * 3.6
            if dt <= maxDrivingGapMs && (speedKmh >= movingKmh || averageKmh >= movingKmh) {
                Self.applyRest(&clock, restMs: fixTime - dt - (clock.lastDriving ?? (fixTime - dt)), rules: rules)
                clock.today = min(clock.today + Double(dt) / 1000, rules.dailyDriving + 3600)
                clock.sinceBreak += Double(dt) / 1000
                clock.lastDriving = fixTime
            }
            clock.lastFix = fixTime
            clock.lastLatitude = latitude
            clock.lastLongitude = longitude
            clocks[vehicleKey] = clock
        }
    }

    /// The driver's state at `now`: a stop since the last driving that is long enough counts as a break or a rest.
    public func state(vehicleKey: Int64, now: Int64) -> DrivingTimeRules.DriverState {
        clocks.withLock { clocks in
            guard var clock = clocks[vehicleKey], let lastDriving = clock.lastDriving else { return .init() }
            Self.applyRest(&clock, restMs: now - lastDriving, rules: rules)
            return .init(drivenTodaySeconds: clock.today, drivenSinceBreakSeconds: clock.sinceBreak)
        }
    }

    public func forget(vehicleKey: Int64) {
        _ = clocks.withLock { $0.removeValue(forKey: vehicleKey) }
    }

    private static func applyRest(_ clock: inout Clock, restMs: Int64, rules: DrivingTimeRules) {
        // A reduced daily rest (9 h) is enough to start a new driving day.
        if restMs >= 9 * 3_600_000 {
            clock.today = 0
            clock.sinceBreak = 0
        } else if Double(restMs) / 1000 >= rules.breakDuration {
            clock.sinceBreak = 0
        }
    }
}
