import GeoFleetCore
import Logging
import PostgresNIO

/// Creates `positions` partitions ahead of time and on demand.
public enum PartitionMaintenance {
    /// Creates the partition starting at `start` if it is missing. Two processes racing to create
    /// the same partition is fine: the loser sees it exists.
    public static func create(start: Int64, scheme: PartitionScheme, on connection: PostgresConnection, logger: Logger) async throws {
        do {
            try await connection.query(PostgresQuery(unsafeSQL: scheme.createStatement(start: start)), logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P07" || error.serverInfo?[.sqlState] == "23505" {
            logger.debug("partition created concurrently", metadata: ["partition": "\(scheme.name(start: start))"])
        }
    }

    /// Ensures partitions exist from the one holding `from` through the one holding `through`.
    public static func ensure(from: Int64, through: Int64, scheme: PartitionScheme, on connection: PostgresConnection, logger: Logger) async throws
        -> [String]
    {
        var names: [String] = []
        var start = scheme.start(containing: from)
        while start <= through {
            try await create(start: start, scheme: scheme, on: connection, logger: logger)
            names.append(scheme.name(start: start))
            start += scheme.intervalMilliseconds
        }
        return names
    }
}
