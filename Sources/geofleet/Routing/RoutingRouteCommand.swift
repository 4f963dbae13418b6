import ArgumentParser
import Foundation
import GeoFleetCommandLine
import GeoFleetCore
import GeoFleetRouting

/// `geofleet routing route`: one route on a built graph, for checks by hand.
struct RoutingRouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "route", abstract: "Route between two points on a built graph.")

    @Argument(help: "The extract the graphs were built from, or a graph directory.") var graphs: String
    @Option(help: "Start as lat,lon.") var from: String
    @Option(help: "End as lat,lon.") var to: String
    @Option(help: "Profile.") var profile: String = "car"
    @Option(help: "Data directory.") var dataDir: String = ProcessInfo.processInfo.environment["GEOFLEET_DATA_DIR"] ?? "./.geofleet"
    @Flag(help: "Print the geometry as an encoded polyline.") var polyline = false

    static func point(_ raw: String) throws -> GeoPoint {
        let parts = raw.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2 else { throw ValidationError("expected lat,lon, got \(raw)") }
        return GeoPoint(latitude: parts[0], longitude: parts[1])
    }

    func run() throws {
        guard let selected = VehicleProfile.named(profile) else { throw ValidationError("unknown profile \(profile)") }
        let path = graphDirectory(dataDir: dataDir, extract: graphs) + "/\(selected.name).graph"
        let engine = RoutingEngine(graph: try RoutingGraph(contentsOf: path))
        let route = try engine.route(from: try Self.point(from), to: try Self.point(to), geometry: true)
        print(
            String(
                format: "distance %.1f m, duration %.1f s, snapped %.1f m / %.1f m",
                route.distanceMeters, route.durationSeconds, route.from.distanceMeters, route.to.distanceMeters))
        print("ways: \(route.wayIDs?.map(String.init).joined(separator: " ") ?? "")")
        if polyline, let line = route.geometry { print(Polyline.encode(line)) }
    }
}
