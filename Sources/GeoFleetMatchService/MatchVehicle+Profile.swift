import GeoFleetMatching
import GeoFleetRouting

extension MatchVehicle {
    /// The road profile its class drives with: vans as vans, light trucks as rigid, the rest as 40 t articulated.
    public var profile: VehicleProfile {
        switch type {
        case "van": return VehicleProfile(vehicleClass: .van)
        case "truck" where capacityWeightKg <= 12_000: return VehicleProfile(vehicleClass: .rigid)
        default: return VehicleProfile(vehicleClass: .articulated)
        }
    }
}
