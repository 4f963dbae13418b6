import Logging
import NIOPosix
import PostgresNIO

extension DatabaseEndpoint {
    /// A connection of its own, outside any pool: a session that holds advisory locks (which a pool
    /// would hand to others) or runs a long COPY.
    public func connectSession(logger: Logger) async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: connectionConfiguration,
            id: Int.random(in: 1...Int(Int32.max)), logger: logger)
    }
}
