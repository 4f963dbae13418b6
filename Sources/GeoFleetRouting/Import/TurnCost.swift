import Foundation

/// The cost of a turn, as OSRM's car profile computes it: a sigmoid of the angle (right turns cheaper
/// in right-hand traffic), a penalty for crossing oncoming traffic, and the u-turn penalty.
struct TurnCost {
    let profile: VehicleProfile
    /// OSRM's `turn_bias`: right turns are cheaper than left ones where traffic drives on the right.
    let bias = 1.075

    /// Seconds for a turn of `angle` degrees (positive = right, ±180 = back) at a junction with `roads` roads.
    func seconds(angle: Double, roads: Int, isUTurn: Bool, roundabout: Bool) -> Double {
        guard roads > 2 || isUTurn else { return 0 }
        var seconds: Double
        if angle >= 0 {
            seconds = profile.turnPenaltySeconds / (1 + exp(-((13 / bias) * angle / 180 - 6.5 * bias)))
        } else {
            seconds = profile.turnPenaltySeconds / (1 + exp(-((13 * bias) * -angle / 180 - 6.5 / bias)))
        }
        if angle < 0, !isUTurn, roads > 2, !roundabout {
            seconds += 2.0 / (1 + exp(-(13 * abs(angle) / 180 - 3.25)))
        }
        if isUTurn { seconds += profile.uTurnPenaltySeconds }
        return seconds
    }

    /// Compass bearing in degrees from one point to the next (short segments, so a local flat approximation).
    static func bearing(lat1: Double, lon1: Double, lat2: Double, lon2: Double) -> Double {
        let dx = (lon2 - lon1) * cos((lat1 + lat2) / 2 * .pi / 180)
        let dy = lat2 - lat1
        let degrees = atan2(dx, dy) * 180 / .pi
        return degrees < 0 ? degrees + 360 : degrees
    }

    /// The turn angle from an incoming to an outgoing bearing, in (-180, 180]; positive turns right.
    static func angle(from incoming: Double, to outgoing: Double) -> Double {
        var delta = outgoing - incoming
        while delta > 180 { delta -= 360 }
        while delta <= -180 { delta += 360 }
        return delta
    }
}
