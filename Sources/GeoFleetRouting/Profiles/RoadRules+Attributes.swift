extension RoadRules {
    /// Toll keys from the most to the least specific for this profile: `toll:N3` and `toll:hgv` for
    /// trucks over 12 t, `toll:N1`/`toll:goods` for vans, `toll:motorcar` for cars, then `toll`.
    var tollKeys: [String] {
        switch profile.vehicleClass {
        case .car: return ["toll:motorcar", "toll:motor_vehicle", "toll"]
        case .van: return ["toll:N1", "toll:goods", "toll:motor_vehicle", "toll"]
        case .rigid, .articulated: return ["toll:N3", "toll:hgv", "toll:motor_vehicle", "toll"]
        }
    }

    /// Whether this profile pays a toll on the way (`yes`; `no`, `snowmobile` and the like do not count).
    public func isToll(_ tags: [String: String]) -> Bool {
        for key in tollKeys {
            if let value = tags[key] { return value == "yes" }
        }
        return false
    }

    private static let truckRules = RoadRules(profile: VehicleProfile(vehicleClass: .articulated))

    /// The way as a heavy truck sees it: closed or destination-only for a 40 t articulated vehicle.
    public static func restrictsTrucks(_ tags: [String: String]) -> Bool {
        guard let use = truckRules.use(of: tags) else {
            // Not drivable at all by a truck, though another profile may use it.
            return true
        }
        return use.restricted
    }
}
