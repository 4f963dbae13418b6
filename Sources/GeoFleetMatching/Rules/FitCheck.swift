import Foundation
import GeoFleetCore

/// Whether a vehicle can take a load: the static checks (type, capacity, status, assignment, position)
/// and the timing checks (reaching the pickup inside the loading window, delivering in time) with
/// EU driving-time breaks.
public enum FitCheck {
    /// Heavy-truck bodies that satisfy a load asking for a plain `truck`.
    static let truckBodies: Set<String> = ["truck", "trailer", "flatbed", "refrigerated"]

    /// True when a vehicle of `vehicleType` can carry a load that needs `required`: the same type, or
    /// any heavy body for `truck`.
    public static func typeAccepts(required: String?, vehicleType: String) -> Bool {
        guard let required else { return true }
        if required == vehicleType { return true }
        return required == "truck" && truckBodies.contains(vehicleType)
    }

    /// Everything that rules a vehicle out before any routing.
    public static func staticReasons(cargo: Cargo, vehicle: MatchVehicle) -> [FitReason] {
        var reasons: [FitReason] = []
        if !typeAccepts(required: cargo.vehicleType, vehicleType: vehicle.type) {
            reasons.append(FitReason("type", "the load needs a \(cargo.vehicleType ?? "") vehicle; this is a \(vehicle.type)"))
        }
        if cargo.weightKg > vehicle.capacityWeightKg {
            reasons.append(
                FitReason("weight", "\(Int(cargo.weightKg.rounded())) kg exceeds the capacity of \(Int(vehicle.capacityWeightKg.rounded())) kg"))
        }
        if let volume = cargo.volumeM3, volume > vehicle.capacityVolumeM3 {
            reasons.append(FitReason("volume", "\(format(volume)) m3 exceeds the capacity of \(format(vehicle.capacityVolumeM3)) m3"))
        }
        if vehicle.status != "active" {
            reasons.append(FitReason("status", "the vehicle is \(vehicle.status)"))
        }
        if let assigned = vehicle.assignedCargoID, assigned != cargo.id {
            reasons.append(FitReason("assigned", "the vehicle already carries cargo \(assigned)"))
        }
        if vehicle.position == nil {
            reasons.append(FitReason("position", "the vehicle has no known position"))
        }
        return reasons
    }

    /// When the vehicle would reach the pickup and finish the delivery, with the breaks and rests it must take.
    public struct Timing: Sendable, Equatable {
        /// Elapsed seconds to the pickup, breaks included.
        public var toPickupSeconds: Double
        public var arrival: Int64
        /// Waiting at the pickup until loading opens.
        public var waitSeconds: Double
        /// Elapsed seconds from now to the end of the delivery, breaks, waiting and handling included.
        public var totalSeconds: Double
        public var deliveredAt: Int64
        /// Breaks and daily rests on the whole trip.
        public var breaks: Int
        public var dailyRests: Int
        /// Daily rests before the pickup.
        public var restsBeforePickup: Int
    }

    /// Plans deadhead then loaded leg from the driver's state. `handlingSeconds` covers loading and unloading.
    public static func timing(
        cargo: Cargo, now: Int64, deadheadSeconds: Double, loadedSeconds: Double,
        driver: DrivingTimeRules.DriverState, rules: DrivingTimeRules = .init(), handlingSeconds: Double = 7200
    ) -> Timing {
        let toPickup = rules.plan(drivingSeconds: deadheadSeconds, from: driver)
        let arrival = now + Int64(toPickup.totalSeconds * 1000)
        let wait = max(0, Double(cargo.loadingFrom - arrival) / 1000)
        // The whole trip in one plan, so that breaks carry over from the deadhead into the loaded leg.
        let whole = rules.plan(drivingSeconds: deadheadSeconds + loadedSeconds, from: driver)
        let total = whole.totalSeconds + wait + handlingSeconds
        return Timing(
            toPickupSeconds: toPickup.totalSeconds, arrival: arrival, waitSeconds: wait, totalSeconds: total,
            deliveredAt: now + Int64(total * 1000), breaks: whole.breaks, dailyRests: whole.dailyRests,
            restsBeforePickup: toPickup.dailyRests)
    }

    /// Reasons the timing rules the vehicle out: too late for loading, or for the delivery date.
    public static func timingReasons(cargo: Cargo, timing: Timing, driver: DrivingTimeRules.DriverState) -> [FitReason] {
        var reasons: [FitReason] = []
        if timing.arrival > cargo.loadingTo {
            var message =
                "arrives \(UTCTime.iso8601(milliseconds: timing.arrival)), after loading closes at \(UTCTime.iso8601(milliseconds: cargo.loadingTo))"
            if timing.restsBeforePickup > 0 {
                message += "; the driver has driven \(format(driver.drivenTodaySeconds / 3600)) h today and must take a daily rest on the way"
                reasons.append(FitReason("driving_time", message))
            } else {
                reasons.append(FitReason("late", message))
            }
        }
        if let by = cargo.deliveryBy, timing.deliveredAt > by {
            reasons.append(
                FitReason(
                    "late_delivery", "would deliver \(UTCTime.iso8601(milliseconds: timing.deliveredAt)), after \(UTCTime.iso8601(milliseconds: by))")
            )
        }
        return reasons
    }

    static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
