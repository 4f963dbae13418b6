import Foundation

/// The score (0–100) of a vehicle for a load: mostly how soon it can be at the pickup,
/// partly how well the load fills it, discounted by confidence. Vehicles that do not fit score 0.
public enum VehicleScore {
    /// ETA hours at which proximity has fallen to 1/e.
    public static let etaScaleHours = 3.0
    public static let proximityWeight = 0.75

    public static func score(fits: Bool, toPickupSeconds: Double, cargo: Cargo, vehicle: MatchVehicle, confidence: MatchConfidence) -> Double {
        guard fits else { return 0 }
        let proximity = exp(-toPickupSeconds / 3600 / etaScaleHours)
        var fill = vehicle.capacityWeightKg > 0 ? cargo.weightKg / vehicle.capacityWeightKg : 0
        if let volume = cargo.volumeM3, vehicle.capacityVolumeM3 > 0 { fill = max(fill, volume / vehicle.capacityVolumeM3) }
        let raw = proximityWeight * proximity + (1 - proximityWeight) * min(1, fill)
        return (100 * raw * confidence.weight * 10).rounded() / 10
    }
}
