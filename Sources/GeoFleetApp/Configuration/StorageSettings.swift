/// Where GeoFleet keeps its data: the data directory, PostgreSQL, Redis, partitions and the spool.
public struct StorageSettings: Sendable, ConfigSection {
    /// Spool, routing graphs, the JWT secret and the embedded database.
    public var dataDirectory = "./.geofleet"
    /// nil: a private cluster under the data dir.
    public var databaseURL: String?
    /// nil: live events and the route cache stay in this process.
    public var redisURL: String?
    /// Hours each `positions` partition covers.
    public var partitionHours = 24
    /// Partitions created ahead of today.
    public var partitionsAhead = 3
    /// Bytes the spool may hold that PostGIS has not committed; past it devices get no ACK.
    public var spoolMaxBytes: Int64 = 1 << 30

    public init() {}

    static var variables: [ConfigVariable<Self>] {
        [
            .text("GEOFLEET_DATA_DIR", \.dataDirectory, "spool, routing graphs, JWT secret and the embedded database"),
            .optionalText(
                "GEOFLEET_DATABASE_URL", \.databaseURL,
                "PostgreSQL+PostGIS URL, with libpq's `sslmode` (`disable`, `prefer` (default), `require`, `verify-ca`, `verify-full`), "
                    + "`sslrootcert` and `hostaddr`",
                unset: "unset: a private cluster under the data dir on a unix socket (0700, peer authentication), run by geofleetd"),
            .optionalText(
                "GEOFLEET_REDIS_URL", \.redisURL,
                "`redis://host:port` or `unix:///path`: live events also go to the Redis channels `user_{userId}` and `fleet_{vehicleId}`, "
                    + "and the route cache is shared",
                unset: "unset: in-process only"),
            .integer("GEOFLEET_PARTITION_HOURS", \.partitionHours, 1...24 * 31, "hours per `positions` partition (24: daily)"),
            .integer(
                "GEOFLEET_SPOOL_MAX_MB", 1...1_000_000, "spool size past which ACKs stop until PostGIS catches up",
                get: { Int($0.spoolMaxBytes >> 20) }, set: { $0.spoolMaxBytes = Int64($1) << 20 }),
        ]
    }
}
