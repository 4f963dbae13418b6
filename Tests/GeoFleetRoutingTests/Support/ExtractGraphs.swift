import Foundation
import GeoFleetPlatform
import GeoFleetTestSupport
import Synchronization
@testable import GeoFleetRouting

/// Graphs of the real extracts in `fixtures/osm/` (© OpenStreetMap contributors, ODbL), built once per test process.
enum ExtractGraphs {
    private static let networks = Mutex<[String: RoadNetwork]>([:])
    private static let engines = Mutex<[String: RoutingEngine]>([:])

    static func path(_ extract: String) -> String {
        RepositoryRoot.file("fixtures/osm/\(extract).osm.pbf")?.path ?? "fixtures/osm/\(extract).osm.pbf"
    }

    static func network(_ extract: String) async throws -> RoadNetwork {
        if let cached = networks.withLock({ $0[extract] }) { return cached }
        let network = try await onThread { try RoadNetwork.read(pbf: path(extract)) }
        networks.withLock { $0[extract] = network }
        return network
    }

    /// The engine for an extract and profile (built on first use; builds of one key may race once, harmlessly).
    static func engine(_ extract: String, _ vehicleClass: VehicleClass) async throws -> RoutingEngine {
        let key = "\(extract)/\(vehicleClass.rawValue)"
        if let cached = engines.withLock({ $0[key] }) { return cached }
        let network = try await network(extract)
        let engine = try await onThread {
            RoutingEngine(
                graph: GraphBuilder.build(
                    network: network, profile: VehicleProfile(vehicleClass: vehicleClass),
                    source: .init(name: extract, bytes: 0, modified: 0)
                ))
        }
        engines.withLock { $0[key] = engine }
        return engine
    }

    /// Runs seconds of CPU work (imports, contraction) on a thread of its own: on the cooperative pool's two
    /// threads it would stall every other suite's I/O and make their timeouts fire.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await Blocking.onOwnThread(stackSize: 8 << 20, body)
    }
}
