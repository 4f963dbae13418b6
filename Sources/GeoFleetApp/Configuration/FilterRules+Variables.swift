import GeoFleetIngest

/// The position filters (`GEOFLEET_FILTER_*`), like Traccar's `filter.*`: a filtered position is still
/// acknowledged, counted in `geofleet_positions_filtered_total{reason}` and logged at debug.
extension FilterRules: ConfigSection {
    static var variables: [ConfigVariable<Self>] {
        [
            .flag("GEOFLEET_FILTER_INVALID", \.invalid, "`true`: drop fixes the device marks invalid"),
            .flag("GEOFLEET_FILTER_ZERO", \.zero, "`true`: drop fixes at 0°/0°"),
            .integer(
                "GEOFLEET_FILTER_FUTURE_SECONDS", 0...366 * 86_400, "drop fixes further ahead of the clock (a device clock error; 0 = off)",
                get: { Int($0.futureSeconds) }, set: { $0.futureSeconds = Int64($1) }),
            .integer(
                "GEOFLEET_FILTER_PAST_SECONDS", 0...3650 * 86_400, "drop fixes further behind the clock (0 = off)",
                get: { Int($0.pastSeconds) }, set: { $0.pastSeconds = Int64($1) }),
            .integer(
                "GEOFLEET_FILTER_MAX_SPEED_KMH", 0...2000,
                "drop a jump from the last accepted fix implying more; after 3 in a row the new place is taken (0 = off)",
                get: { Int($0.maxSpeedKmh) }, set: { $0.maxSpeedKmh = Double($1) }),
            .integer(
                "GEOFLEET_FILTER_ACCURACY_M", 0...1_000_000, "drop fixes whose reported accuracy is worse, in metres (0 = off)",
                get: { Int($0.maxAccuracyMetres) }, set: { $0.maxAccuracyMetres = Double($1) }),
        ]
    }
}
