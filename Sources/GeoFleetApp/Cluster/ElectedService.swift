import GeoFleetPostGIS
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle

/// A once-only job (partition maintenance, archive, connectivity sweep, webhook outbox, deal ETAs) in
/// cluster mode: it runs on the one node whose session holds the job's PostgreSQL advisory lock.
///
/// The others try to take the lock every `retry`. The lock belongs to the holder's session, so a
/// holder that dies (kill -9, lost network) releases it when PostgreSQL ends its backend, and the next
/// try elsewhere takes the job over. The holder checks its session every few seconds and stops the job
/// as soon as the session is gone, since the lock went with it.
struct ElectedService: Service {
    let name: String
    let endpoint: DatabaseEndpoint
    let retry: Duration
    let job: any Service
    let logger: Logger

    /// The job's lock: a fixed prefix ("gfjob") and the job's name, so each job is elected apart.
    var lockID: Int64 {
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return 0x6766_6a6f_0000_0000 | Int64(hash)
    }

    func run() async throws {
        let holding = Gauge(label: "geofleet_cluster_job_held", dimensions: [("job", name)])
        var log = logger
        log[metadataKey: "job"] = "\(name)"
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if let connection = await takeLock(logger: log) {
                log.info("this node runs the job")
                holding.record(1)
                await runWhileHeld(on: connection, logger: log)
                holding.record(0)
                try? await connection.close()
                if Task.isShuttingDownGracefully || Task.isCancelled { return }
                log.warning("the job's lock was lost; trying to take it again")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: retry) }
        }
    }

    /// A connection whose session holds the lock, or nil (taken elsewhere, or no database).
    private func takeLock(logger: Logger) async -> PostgresConnection? {
        let connection: PostgresConnection
        do {
            connection = try await endpoint.connectSession(logger: logger)
        } catch {
            logger.warning("cannot reach PostgreSQL to take the job's lock", metadata: ["error": "\(error)"])
            return nil
        }
        do {
            for try await got in try await connection.query("SELECT pg_try_advisory_lock(\(lockID))", logger: logger).decode(Bool.self)
            where got {
                return connection
            }
        } catch {
            logger.warning("taking the job's lock failed", metadata: ["error": "\(error)"])
        }
        try? await connection.close()
        return nil
    }

    /// Runs the job until it ends (shutdown) or the session holding the lock fails.
    private func runWhileHeld(on connection: PostgresConnection, logger: Logger) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await job.run()
                } catch {
                    logger.error("the job failed", metadata: ["error": "\(error)"])
                }
            }
            group.addTask {
                // Once a graceful shutdown began the job ends by itself: only wait for it then.
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(2))
                    if Task.isShuttingDownGracefully { continue }
                    do {
                        for try await _ in try await connection.query("SELECT 1", logger: logger).decode(Int.self) {}
                    } catch {
                        if Task.isCancelled { return }
                        logger.warning("the session holding the job's lock failed", metadata: ["error": "\(error)"])
                        return
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }
}
