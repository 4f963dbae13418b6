import Logging
import PostgresNIO

/// The session advisory lock every archive writer (job, restore, erasure rewrite) holds, so two
/// daemons or a daemon and the CLI never work on the same partition or manifest at once. It is tied
/// to the connection: a crashed holder releases it with its session.
enum ArchiveLock {
    /// Fixed and distinct from the migration lock: "gfarch".
    static let id: Int64 = 0x6766_6172_6368

    /// Takes the lock if free; false when another session holds it.
    static func tryAcquire(on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        for try await got in try await connection.query("SELECT pg_try_advisory_lock(\(id))", logger: logger).decode(Bool.self) {
            return got
        }
        return false
    }

    /// Waits up to `timeoutSeconds` for the lock; false when it stays taken.
    static func acquire(on connection: PostgresConnection, timeoutSeconds: Int, logger: Logger) async throws -> Bool {
        try await connection.query(PostgresQuery(unsafeSQL: "SET lock_timeout = '\(timeoutSeconds)s'"), logger: logger)
        var got = true
        do {
            // The rows must be read: postgres-nio returns from query() once the row description
            // arrives, and a lock timeout would surface only in the rows.
            for try await _ in try await connection.query("SELECT pg_advisory_lock(\(id))::text", logger: logger).decode(String.self) {}
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55P03" {
            got = false
        }
        try await connection.query("RESET lock_timeout", logger: logger)
        return got
    }

    static func release(on connection: PostgresConnection, logger: Logger) async {
        do {
            for try await _ in try await connection.query("SELECT pg_advisory_unlock(\(id))", logger: logger).decode(Bool.self) {}
        } catch {
            // The session is going away; its close releases the lock.
        }
    }
}
