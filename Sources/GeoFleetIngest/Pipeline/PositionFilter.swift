import GeoFleetCore
import Logging
import Metrics
import Synchronization

/// Applies `FilterRules` to each vehicle's fixes, remembering per vehicle the last accepted fix
/// that jumps are measured from.
public final class PositionFilter: Sendable {
    public let rules: FilterRules
    private let state = Mutex<[Int64: Reference]>([:])
    private let counters: [FilterReason: Counter]
    private let logger: Logger

    /// The last accepted device fix of a vehicle, and how many jumps in a row were refused since.
    struct Reference {
        var latitude: Double
        var longitude: Double
        var fixTime: Int64
        var jumps: Int
    }

    public init(rules: FilterRules, logger: Logger) {
        self.rules = rules
        self.logger = logger
        var counters: [FilterReason: Counter] = [:]
        for reason in FilterReason.allCases {
            counters[reason] = Counter(label: "geofleet_positions_filtered_total", dimensions: [("reason", reason.rawValue)])
        }
        self.counters = counters
    }

    /// Counts a drop decided elsewhere (the duplicate window).
    public func count(_ reason: FilterReason, _ n: Int = 1) {
        if n > 0 { counters[reason]?.increment(by: n) }
    }

    /// The indexes of `fixes` that pass, in fix-time order; the rest are counted under their reason.
    /// `lastKnown` seeds the jump reference of a vehicle not seen since start (the hot index's fix).
    public func admit(
        _ fixes: [DeviceFix], vehicleKey: Int64, device: String, now: Int64,
        lastKnown: () -> (latitude: Double, longitude: Double, fixTime: Int64)? = { nil }
    ) -> [Int] {
        var passed: [Int] = []
        passed.reserveCapacity(fixes.count)
        // Judge jumps in fix-time order: a frame may carry records newest first.
        let order = fixes.indices.sorted { fixes[$0].fixTime < fixes[$1].fixTime }
        let seed = state.withLock { $0[vehicleKey] } == nil ? lastKnown() : nil
        state.withLock { references in
            var reference = references[vehicleKey]
            if reference == nil, let seed {
                reference = Reference(latitude: seed.latitude, longitude: seed.longitude, fixTime: seed.fixTime, jumps: 0)
            }
            for index in order {
                if let reason = verdict(fixes[index], reference: &reference, now: now) {
                    counters[reason]?.increment()
                    logger.debug(
                        "position filtered",
                        metadata: [
                            "device": "\(device)", "reason": "\(reason.rawValue)", "fixTime": "\(fixes[index].fixTime)",
                        ])
                } else {
                    passed.append(index)
                }
            }
            references[vehicleKey] = reference
        }
        return passed
    }

    /// Forgets a vehicle (deleted, or its history erased).
    public func forget(vehicleKey: Int64) {
        _ = state.withLock { $0.removeValue(forKey: vehicleKey) }
    }

    /// Fix times every store accepts whatever the rules: 2000-01-01 up to 2100 (a partition per day of
    /// year 0 would be a poison record for the PostGIS writer).
    public static let plausibleFixTimes: ClosedRange<Int64> = 946_684_800_000...4_102_444_800_000

    /// True when a fix time passes the time rules (plausible range, future and past windows).
    public func acceptsFixTime(_ time: Int64, now: Int64) -> Bool {
        guard Self.plausibleFixTimes.contains(time) else { return false }
        if rules.futureSeconds > 0 && time > now + rules.futureSeconds * 1000 { return false }
        if rules.pastSeconds > 0 && time < now - rules.pastSeconds * 1000 { return false }
        return true
    }

    /// nil when the fix passes; updates the jump reference as a side effect.
    private func verdict(_ fix: DeviceFix, reference: inout Reference?, now: Int64) -> FilterReason? {
        if rules.invalid && !fix.valid { return .invalid }
        guard fix.latitude.isFinite, fix.longitude.isFinite, abs(fix.latitude) <= 90, abs(fix.longitude) <= 180 else {
            return .outOfRange
        }
        if rules.zero && fix.latitude == 0 && fix.longitude == 0 { return .zero }
        guard Self.plausibleFixTimes.contains(fix.fixTime) else { return .outOfRange }
        if rules.futureSeconds > 0 && fix.fixTime > now + rules.futureSeconds * 1000 { return .future }
        if rules.pastSeconds > 0 && fix.fixTime < now - rules.pastSeconds * 1000 { return .past }
        if rules.maxAccuracyMetres > 0, let accuracy = fix.accuracy, accuracy > rules.maxAccuracyMetres { return .accuracy }
        if rules.maxSpeedKmh > 0, let last = reference, last.jumps < rules.maxConsecutiveJumps {
            let metres = GreatCircle.distanceMeters(lat1: last.latitude, lon1: last.longitude, lat2: fix.latitude, lon2: fix.longitude)
            if metres >= rules.jumpMinDistanceMetres {
                let hours = Double(max(abs(fix.fixTime - last.fixTime), 1000)) / 3_600_000
                if metres / 1000 / hours > rules.maxSpeedKmh {
                    reference?.jumps += 1
                    return .jump
                }
            }
        }
        // Only a newer fix moves the reference: a late, buffered record must not drag it back in time.
        if reference == nil || fix.fixTime >= reference!.fixTime || reference!.jumps >= rules.maxConsecutiveJumps {
            reference = Reference(latitude: fix.latitude, longitude: fix.longitude, fixTime: fix.fixTime, jumps: 0)
        }
        return nil
    }
}
