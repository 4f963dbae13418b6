import GeoFleetTracking

/// Geofences, deals and connectivity (`GEOFLEET_STATUS_*`, `GEOFLEET_DEAL_*`).
extension TrackingConfiguration: ConfigSection {
    static var variables: [ConfigVariable<Self>] {
        [
            .integer(
                "GEOFLEET_STATUS_TIMEOUT_SECONDS", 10...86_400, "no fix and no open connection for this long: `unknown`",
                get: { Int($0.connectivity.unknownAfter / 1000) },
                set: { $0.connectivity = ConnectivityRule(unknownAfterSeconds: Int64($1), offlineAfterSeconds: $0.connectivity.offlineAfter / 1000) }),
            .integer(
                "GEOFLEET_OFFLINE_TIMEOUT_SECONDS", 10...2_592_000, "… and for this long (at least the status timeout): `offline`",
                get: { Int($0.connectivity.offlineAfter / 1000) },
                set: { $0.connectivity = ConnectivityRule(unknownAfterSeconds: $0.connectivity.unknownAfter / 1000, offlineAfterSeconds: Int64($1)) }),
            .integer(
                "GEOFLEET_DEAL_FENCE_METERS", 20...10_000, "radius of the fences a deal makes around its pickup and delivery",
                get: { Int($0.deals.fenceMetres) }, set: { $0.deals.fenceMetres = Double($1) }),
            .integer(
                "GEOFLEET_DEAL_LOAD_MINUTES", 0...1440, "time inside the pickup fence before leaving it counts as `loaded`",
                get: { Int($0.deals.loadSeconds / 60) }, set: { $0.deals.loadSeconds = Int64($1) * 60 }),
            .integer(
                "GEOFLEET_DEAL_UNLOAD_MINUTES", 0...1440, "time inside the delivery fence that counts as `delivered`",
                get: { Int($0.deals.unloadSeconds / 60) }, set: { $0.deals.unloadSeconds = Int64($1) * 60 }),
            .integer(
                "GEOFLEET_DEAL_PROGRESS_SECONDS", 5...3600, "a moving deal's progress and ETA are recomputed at most this often",
                get: { Int($0.progressInterval.components.seconds) }, set: { $0.progressInterval = .seconds($1) }),
        ]
    }
}
