import ArgumentParser
import Foundation
import GeoFleetRouting

/// `geofleet routing`: build road graphs from OpenStreetMap, query them, benchmark them.
struct RoutingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routing",
        abstract: "Road graphs: build from an .osm.pbf, route, benchmark.",
        subcommands: [RoutingBuildCommand.self, RoutingRouteCommand.self, RoutingBenchCommand.self])
}

/// Peak resident memory of this process, MiB.
func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
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

/// The graph directory for `--data-dir` and an extract or graph directory argument.
func graphDirectory(dataDir: String, extract: String) -> String {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: extract, isDirectory: &isDirectory), isDirectory.boolValue { return extract }
    return GraphDirectory(dataDir: dataDir, extractPath: extract).path
}
