import ArgumentParser
import GeoFleetRouting

/// `geofleet routing`: build road graphs from OpenStreetMap and query them.
struct RoutingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routing",
        abstract: "Road graphs: build from an .osm.pbf, route.",
        subcommands: [RoutingBuildCommand.self, RoutingRouteCommand.self])
}

/// Parses `--profiles car,van`.
func parseProfiles(_ raw: String) throws -> [VehicleProfile] {
    try raw.split(separator: ",").map { name in
        guard let profile = VehicleProfile.named(String(name)) else {
            throw ValidationError("unknown profile \(name); known: \(VehicleClass.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return profile
    }
}
