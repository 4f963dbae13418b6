import GeoFleetApp
import Testing

/// `GEOFLEET_NODE_ID`: cluster mode, and the combinations that stop the start.
@Suite struct ClusterConfigurationTests {
    static let shared = ["GEOFLEET_REDIS_URL": "redis://127.0.0.1:6379", "GEOFLEET_DATABASE_URL": "postgres://geofleet@db/geofleet"]

    @Test func singleNodeByDefault() throws {
        let c = try GeoFleetConfiguration.fromEnvironment([:])
        #expect(c.cluster.nodeID == nil)
        #expect(c.cluster.jobRetrySeconds == 10)
    }

    @Test func clusterModeWithRedisAndDatabase() throws {
        var env = Self.shared
        env["GEOFLEET_NODE_ID"] = "node-2_b"
        env["GEOFLEET_CLUSTER_JOB_RETRY_SECONDS"] = "3"
        let c = try GeoFleetConfiguration.fromEnvironment(env)
        #expect(c.cluster.nodeID == "node-2_b")
        #expect(c.cluster.jobRetrySeconds == 3)
    }

    @Test(arguments: [
        (["GEOFLEET_NODE_ID": "n1", "GEOFLEET_DATABASE_URL": "postgres://db/g"], "GEOFLEET_REDIS_URL"),
        (["GEOFLEET_NODE_ID": "n1", "GEOFLEET_REDIS_URL": "redis://r:6379"], "GEOFLEET_DATABASE_URL"),
        (shared.merging(["GEOFLEET_NODE_ID": "n 1"]) { $1 }, "GEOFLEET_NODE_ID"),
        (shared.merging(["GEOFLEET_NODE_ID": String(repeating: "n", count: 33)]) { $1 }, "GEOFLEET_NODE_ID"),
        (shared.merging(["GEOFLEET_NODE_ID": "n1'; DROP"]) { $1 }, "GEOFLEET_NODE_ID"),
    ])
    func refused(env: [String: String], variable: String) {
        #expect {
            _ = try GeoFleetConfiguration.fromEnvironment(env)
        } throws: { error in
            (error as? ConfigurationError)?.variable == variable
        }
    }
}
