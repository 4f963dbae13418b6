import Foundation
import GeoFleetOSM
import Testing

/// Prints read throughput; no timing assertion (debug builds are an order of magnitude slower).
/// For the real number: `swift build -c release` and time a read, or run the tests with `-c release`.
@Suite struct ThroughputTests {
    @Test func andorraNodesPerSecond() throws {
        let reader = try PBFReader(path: try OSMFixtures.path("andorra.osm.pbf"))
        var nodes = 0
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            try reader.read(.nodes, node: { _ in nodes += 1 })
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        #expect(nodes == 235_550)
        print(String(format: "GeoFleetOSM: andorra.osm.pbf %d nodes in %.3f s = %.2f M nodes/s", nodes, seconds, Double(nodes) / seconds / 1e6))
    }
}
