import Foundation
import GeoFleetCore

/// Evaluates fixes against the index (pure; the caller owns state and serialises calls per vehicle).
///
/// Rules:
/// - Hysteresis: a fix enters a fence when it is more than `band` metres inside and exits when more than `band` outside;
///   within `band` of the border it changes nothing. `band` = min(max(accuracy, 15 m), 100 m), and at most half the
///   fence's inner size (circle radius / 2, corridor width / 4, polygon shell area / perimeter) so a fence smaller than
///   the band can still be entered.
/// - Crossing: when the previous fix (less than 10 min older) and this one are both outside a fence but the straight
///   segment between them reaches at least `band` inside it, an enter and an exit are emitted at the interpolated
///   times and points where the segment meets the border.
/// - Order of one fix's transitions: exits of fences left, crossing enter/exit pairs, enters, dwells, overspeeds.
public enum FenceEvaluator {
    /// The band used when the fix has no (usable) accuracy, and the least band used with one.
    public static let defaultBandMeters = 15.0
    /// The widest band, however poor the fix.
    public static let maxBandMeters = 100.0
    /// Fixes further apart than this are not joined by a straight segment for crossing.
    public static let crossingMaxGapMilliseconds: Int64 = 600_000
    /// Overspeed rearms when the speed falls this far below the limit (or on exit).
    public static let overspeedRearmMarginKmh = 5.0

    /// `accuracyMeters`: the fix's GPS accuracy (nil: `defaultBandMeters`). Returns transitions in order.
    public static func evaluate(
        fix: GeoPoint, time: Int64, speedKmh: Double, accuracyMeters: Double?, owner: String,
        index: FenceIndex, state: inout VehicleFenceState
    ) -> [FenceTransition] {
        var counters = FenceEvaluationCounters()
        return evaluate(
            fix: fix, time: time, speedKmh: speedKmh, accuracyMeters: accuracyMeters, owner: owner, index: index, state: &state,
            counters: &counters)
    }

    /// `evaluate` that also adds up its work in `counters`.
    public static func evaluate(
        fix: GeoPoint, time: Int64, speedKmh: Double, accuracyMeters: Double?, owner: String,
        index: FenceIndex, state: inout VehicleFenceState, counters: inout FenceEvaluationCounters
    ) -> [FenceTransition] {
        if let last = state.lastTime, time <= last { return [] }
        guard fix.latitude.isFinite, fix.longitude.isFinite, abs(fix.latitude) <= 90, abs(fix.longitude) <= 180 else { return [] }
        let band = self.band(accuracyMeters)
        var transitions: [FenceTransition] = []

        // Fences the vehicle was in: exit when clearly outside. They leave the state at the end, so the pass below
        // still knows the vehicle was inside at the previous fix (no crossing, no re-entry on the same fix).
        for membership in state.memberships {
            guard let prepared = index.prepared(id: membership.fenceID), prepared.fence.owner == owner else { continue }
            counters.containmentTests += 1
            if prepared.shape.signedDistance(to: fix) > min(band, prepared.shape.bandCap) {
                transitions.append(FenceTransition(kind: .exit, fenceID: membership.fenceID, time: time, point: fix))
            }
        }
        let exitCount = transitions.count

        var previous: GeoPoint?
        // Device clocks can be wildly off: a gap too large for Int64 is just "too long ago", never a trap.
        if let lastTime = state.lastTime, let lat = state.lastLatitude, let lon = state.lastLongitude,
            case let (gap, overflow) = time.subtractingReportingOverflow(lastTime), !overflow, gap < crossingMaxGapMilliseconds
        {
            previous = GeoPoint(latitude: lat, longitude: lon)
        }
        var crossings: [FenceTransition] = []
        let wasInside = state.memberships.count
        let latitude = Float(fix.latitude)
        let longitude = Float(fix.longitude)
        // The segment from the previous fix: its box for the inline reject, its length for the reach bound below.
        var south: Float = 0
        var north: Float = 0
        var west: Float = 0
        var east: Float = 0
        var reach = 0.0
        if let previous {
            south = Float(min(previous.latitude, fix.latitude))
            north = Float(max(previous.latitude, fix.latitude))
            west = Float(min(previous.longitude, fix.longitude))
            east = Float(max(previous.longitude, fix.longitude))
            let dy = (fix.latitude - previous.latitude) * LocalFrame.metersPerDegree
            let dx = (fix.longitude - previous.longitude) * LocalFrame.metersPerDegree * cos(fix.latitude * Double.pi / 180)
            // A little slack for the different metrics of the shapes (great circle, local frames).
            reach = (dx * dx + dy * dy).squareRoot() * 1.05 + 1
        }
        index.forEachEntry(owner: owner, from: previous, to: fix) { entry in
            counters.candidates += 1
            let fixInBox = entry.contains(latitude: latitude, longitude: longitude)
            guard fixInBox || (previous != nil && entry.meets(minLatitude: south, maxLatitude: north, minLongitude: west, maxLongitude: east))
            else { return }
            let prepared = index.prepared(entry)
            let id = prepared.fence.id
            for i in 0..<wasInside where state.memberships[i].fenceID == id { return }
            let shape = prepared.shape
            let fenceBand = min(band, shape.bandCap)
            var fixDistance: Double
            if shape.boxContains(fix, marginMeters: 0) {
                counters.containmentTests += 1
                fixDistance = shape.signedDistance(to: fix)
                if fixDistance < -fenceBand {
                    transitions.append(FenceTransition(kind: .enter, fenceID: id, time: time, point: fix))
                    state.memberships.append(VehicleFenceState.Membership(fenceID: id, enteredAt: time))
                    return
                }
            } else {
                fixDistance = shape.boxDistance(to: fix)
            }
            guard let previous, shape.boxMeets(previous, fix) else { return }
            // Border distance changes by at most a metre per metre along the segment, so a point `band` deep needs
            // d(previous) + d(fix) ≤ length − 2·band: most fences near the segment fail this before the costlier
            // crossing test. Outside its box, the distance to the box stands in for a point's (a lower bound).
            var previousDistance = shape.boxDistance(to: previous)
            if previousDistance == 0 {
                // Inside the box: no point is deeper than maxDepth; only when that bound does not settle it, measure.
                guard fixDistance - shape.maxDepth <= reach - 2 * fenceBand else { return }
                counters.containmentTests += 1
                previousDistance = shape.signedDistance(to: previous)
            }
            guard fixDistance + previousDistance <= reach - 2 * fenceBand else { return }
            counters.crossingTests += 1
            guard let (t0, t1) = shape.crossing(from: previous, to: fix, depth: fenceBand) else { return }
            let lastTime = state.lastTime!
            func at(_ kind: FenceTransition.Kind, _ t: Double) -> FenceTransition {
                FenceTransition(
                    kind: kind, fenceID: id, time: lastTime + Int64((Double(time - lastTime) * t).rounded()),
                    point: GeoPoint(
                        latitude: previous.latitude + t * (fix.latitude - previous.latitude),
                        longitude: previous.longitude + t * (fix.longitude - previous.longitude)))
            }
            crossings.append(at(.enter, t0))
            crossings.append(at(.exit, t1))
        }

        // Leave the fences exited, and drop silently the ones no longer indexed (or handed to another owner).
        if exitCount > 0 || wasInside > 0 {
            state.memberships.removeAll { membership in
                guard let prepared = index.prepared(id: membership.fenceID), prepared.fence.owner == owner else { return true }
                return transitions[0..<exitCount].contains { $0.fenceID == membership.fenceID }
            }
        }
        if !crossings.isEmpty {
            // Several crossings on one segment: in the order the segment met them.
            crossings.sort { $0.time < $1.time }
            transitions.insert(contentsOf: crossings, at: exitCount)
        }
        fireDwells(at: fix, time: time, index: index, state: &state, into: &transitions)
        fireOverspeeds(at: fix, time: time, speedKmh: speedKmh, index: index, state: &state, into: &transitions)
        state.lastTime = time
        state.lastLatitude = fix.latitude
        state.lastLongitude = fix.longitude
        return transitions
    }

    /// Drops the state for a removed fence without an exit event: the fence's owner removed it and knows; an exit at
    /// the next fix would be a made-up event (and fixes may not come for hours). The evaluator drops such state on its
    /// own at the next fix too, so calling this is optional.
    public static func forget(fence id: UUID, in state: inout VehicleFenceState) {
        state.memberships.removeAll { $0.fenceID == id }
    }

    /// The hysteresis band for a fix of this accuracy, before the per-fence cap.
    public static func band(_ accuracyMeters: Double?) -> Double {
        guard let accuracyMeters, accuracyMeters.isFinite, accuracyMeters > 0 else { return defaultBandMeters }
        return min(max(accuracyMeters, defaultBandMeters), maxBandMeters)
    }

    private static func fireDwells(
        at fix: GeoPoint, time: Int64, index: FenceIndex, state: inout VehicleFenceState, into transitions: inout [FenceTransition]
    ) {
        for i in state.memberships.indices where !state.memberships[i].dwellFired {
            guard let dwell = index.prepared(id: state.memberships[i].fenceID)?.fence.dwellSeconds else { continue }
            let (due, overflow) = state.memberships[i].enteredAt.addingReportingOverflow(dwell.multipliedReportingOverflow(by: 1000).partialValue)
            if !overflow && time >= due {
                state.memberships[i].dwellFired = true
                transitions.append(FenceTransition(kind: .dwell, fenceID: state.memberships[i].fenceID, time: time, point: fix))
            }
        }
    }

    private static func fireOverspeeds(
        at fix: GeoPoint, time: Int64, speedKmh: Double, index: FenceIndex, state: inout VehicleFenceState,
        into transitions: inout [FenceTransition]
    ) {
        guard speedKmh.isFinite else { return }
        for i in state.memberships.indices {
            guard let limit = index.prepared(id: state.memberships[i].fenceID)?.fence.speedLimitKmh else { continue }
            if !state.memberships[i].overspeeding, speedKmh > limit {
                state.memberships[i].overspeeding = true
                transitions.append(
                    FenceTransition(kind: .overspeed, fenceID: state.memberships[i].fenceID, time: time, point: fix, speedKmh: speedKmh))
            } else if state.memberships[i].overspeeding, speedKmh < limit - overspeedRearmMarginKmh {
                state.memberships[i].overspeeding = false
            }
        }
    }
}
