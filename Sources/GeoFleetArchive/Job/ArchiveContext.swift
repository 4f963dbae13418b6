import Foundation
import GeoFleetPostGIS
import Logging
import PostgresNIO

/// What every archive operation needs: the database, the archive directory, the encryption keys and a logger.
public struct ArchiveContext: Sendable {
    public var endpoint: DatabaseEndpoint
    public var directory: ArchiveDirectory
    public var logger: Logger
    /// Parallel COPY TO streams exporting one partition.
    public var exportStreams: Int
    /// New archives and rewrites are sealed with its first key; every key opens archives.
    public var keys: ArchiveKeyring

    public init(endpoint: DatabaseEndpoint, directory: String, exportStreams: Int = 2, keys: ArchiveKeyring = .none, logger: Logger) {
        self.endpoint = endpoint
        self.directory = ArchiveDirectory(path: directory)
        self.exportStreams = max(1, exportStreams)
        self.keys = keys
        self.logger = logger
    }

    /// A dedicated connection (advisory locks belong to a session, so no pool).
    func connect() async throws -> PostgresConnection {
        try await endpoint.connectSession(logger: logger)
    }

    /// Runs `body` with a connection holding the archive lock; nil when another holder has it.
    func withArchiveLock<T: Sendable>(waitSeconds: Int?, _ body: (PostgresConnection) async throws -> T) async throws -> T? {
        let connection = try await connect()
        do {
            let got =
                if let waitSeconds {
                    try await ArchiveLock.acquire(on: connection, timeoutSeconds: waitSeconds, logger: logger)
                } else {
                    try await ArchiveLock.tryAcquire(on: connection, logger: logger)
                }
            guard got else {
                try? await connection.close()
                return nil
            }
            let result = try await body(connection)
            await ArchiveLock.release(on: connection, logger: logger)
            try? await connection.close()
            return result
        } catch {
            // What a crash does too: the open transaction rolls back and the lock goes. Done explicitly
            // because a closed session's locks linger until its backend has exited.
            _ = try? await connection.query("ROLLBACK", logger: logger)
            await ArchiveLock.release(on: connection, logger: logger)
            try? await connection.close()
            throw error
        }
    }
}
