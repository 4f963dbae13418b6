import GeoFleetMatchService

/// Cargo ↔ vehicle matching (`GEOFLEET_MATCH_*`).
extension MatchConfiguration: ConfigSection {
    static var variables: [ConfigVariable<Self>] {
        [
            .integer(
                "GEOFLEET_MATCH_MOVE_KM", 1...1000, "a vehicle that moved this far since its suggestions were worked out gets new ones",
                get: { Int($0.moveThresholdMeters / 1000) }, set: { $0.moveThresholdMeters = Double($1 * 1000) }),
            .integer(
                "GEOFLEET_MATCH_ROAD_CANDIDATES", \.roadCandidates, 1...1000,
                "nearest vehicles passing the static checks that get road distances"),
            .integer(
                "GEOFLEET_MATCH_CARGO_RADIUS_KM", 10...5000, "loads farther than this from a vehicle are not suggested to it",
                get: { Int($0.cargoRadiusMeters / 1000) }, set: { $0.cargoRadiusMeters = Double($1 * 1000) }),
            .integer(
                "GEOFLEET_MATCH_HANDLING_MINUTES", 0...1440, "loading plus unloading time",
                get: { Int($0.handlingSeconds / 60) }, set: { $0.handlingSeconds = Double($1 * 60) }),
        ]
    }
}
