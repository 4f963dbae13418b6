/// Cluster mode: several equal nodes on one PostgreSQL and one Redis, behind a TCP/HTTP load balancer.
public struct ClusterSettings: Sendable, ConfigSection {
    /// This node's id; nil: a single node.
    public var nodeID: String?
    /// How often a node that does not hold a once-only job's lock tries to take it.
    public var jobRetrySeconds = 10

    public init() {}

    static var variables: [ConfigVariable<Self>] {
        [
            .optionalText(
                "GEOFLEET_NODE_ID", \.nodeID,
                "set (with GEOFLEET_REDIS_URL and GEOFLEET_DATABASE_URL): cluster mode; this node's id (letters, digits, `-`, `_`, "
                    + "at most 32), which keys its spool's watermark rows",
                unset: "unset: a single node"),
            .integer(
                "GEOFLEET_CLUSTER_JOB_RETRY_SECONDS", \.jobRetrySeconds, 1...60,
                "cluster mode: how often a node tries to take a once-only job (partitions, archive, connectivity, webhooks, deal ETAs) "
                    + "whose holder died"),
        ]
    }

    /// A node id is a short word: it names rows, log lines and Redis messages.
    func validate(storage: StorageSettings) throws {
        guard let nodeID else { return }
        let allowed = nodeID.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
        }
        guard allowed, (1...32).contains(nodeID.utf8.count) else {
            throw ConfigurationError(variable: "GEOFLEET_NODE_ID", expected: "1 to 32 letters, digits, '-' or '_'", got: nodeID)
        }
        guard storage.redisURL != nil else {
            throw ConfigurationError(variable: "GEOFLEET_REDIS_URL", expected: "a Redis URL (cluster mode: GEOFLEET_NODE_ID is set)", got: "")
        }
        guard storage.databaseURL != nil else {
            throw ConfigurationError(
                variable: "GEOFLEET_DATABASE_URL", expected: "a shared PostgreSQL URL (cluster mode: GEOFLEET_NODE_ID is set)", got: "")
        }
    }
}
