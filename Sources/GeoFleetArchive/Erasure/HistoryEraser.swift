import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetPostGIS
import Logging
import PostgresNIO

/// One erased vehicle: its internal key and public id (the audit keeps ids, never coordinates).
public struct ErasedVehicle: Sendable, Hashable {
    public var key: Int64
    public var id: UUID

    public init(key: Int64, id: UUID) {
        self.key = key
        self.id = id
    }
}

/// What an erasure removed.
public struct ErasureResult: Sendable {
    public var auditID: Int64
    public var liveRowsDeleted: Int
    public var archivesRewritten: Int
    public var archiveRowsRemoved: Int
    /// True when the archives could not be rewritten now (lock busy or a failure): the erasure is
    /// recorded and the next archive run rewrites them.
    public var archivesPending: Bool
    /// Fix times up to this instant (ms) are erased.
    public var erasedThrough: Int64
}

/// Erases vehicles' position history from every store.
///
/// Archives are **rewritten** (not masked by an erasure list): after an erasure the positions exist
/// nowhere, not even as bytes in a file someone could decompress by hand, which is what a GDPR
/// erasure request asks for; a signed list applied only by `restore` would keep them on disk in
/// every copy of the archive. Manifests list their vehicle keys, so only archives holding the vehicle
/// are rewritten. The `position_erasures` row written first makes the erasure durable before any file
/// changes: the history writer drops the vehicle's positions still pending in the spool, spool replay
/// skips them, restore deletes them again, and every archive run finishes rewrites a crash cut short.
public struct HistoryEraser: Sendable {
    public let context: ArchiveContext
    public let now: @Sendable () -> Int64
    private let metrics = ArchiveMetrics()

    public init(context: ArchiveContext, now: @escaping @Sendable () -> Int64) {
        self.context = context
        self.now = now
    }

    private var logger: Logger { context.logger }

    /// Erases every position of `vehicles` with a fix time up to now, in PostGIS (all partitions,
    /// including restored ones), in `vehicle_latest` and the dead letters, and in the archives. The caller clears the hot
    /// index of a running engine.
    public func erase(
        _ vehicles: [ErasedVehicle], subjectUser: String, requestedBy: String, channel: String,
        archiveLockWaitSeconds: Int = 60
    ) async throws -> ErasureResult {
        let through = now()
        let keys = vehicles.map(\.key)
        let ids = vehicles.map(\.id)
        let throughDate = WallClock.date(milliseconds: through)
        let connection = try await context.connect()
        var auditID: Int64 = 0
        var deleted = 0
        do {
            try await connection.query("BEGIN", logger: logger)
            // Each history writer stream takes its row's lock for each batch: a batch commits either
            // before (its rows are deleted below) or after (it sees the erasure and drops them).
            for try await _ in try await connection.query(
                "SELECT sequence FROM ingest_watermark ORDER BY stream FOR UPDATE", logger: logger
            ).decode(Int64.self) {}
            try await connection.query(
                """
                INSERT INTO position_erasures (vehicle_key, erased_through)
                SELECT k, \(throughDate) FROM unnest(\(keys)::int8[]) AS k
                ON CONFLICT (vehicle_key) DO UPDATE
                SET erased_through = GREATEST(position_erasures.erased_through, EXCLUDED.erased_through), erased_at = now()
                """, logger: logger)
            for try await n in try await connection.query(
                """
                WITH d AS (DELETE FROM positions WHERE vehicle_key = ANY(\(keys)::int8[]) AND fix_time <= \(throughDate) RETURNING 1)
                SELECT count(*)::int8 FROM d
                """, logger: logger
            ).decode(Int64.self) {
                deleted = Int(n)
            }
            try await connection.query(
                "DELETE FROM vehicle_latest WHERE vehicle_key = ANY(\(keys)::int8[]) AND fix_time <= \(throughDate)", logger: logger)
            // Positions PostgreSQL refused are still positions: the dead letters go too.
            try await connection.query(
                "DELETE FROM position_dead_letters WHERE vehicle_key = ANY(\(keys)::int8[]) AND fix_time_ms <= \(through)", logger: logger)
            // A manual placement is a position too.
            try await connection.query("UPDATE vehicles SET manual_position = NULL WHERE key = ANY(\(keys)::int8[])", logger: logger)
            // The audit keeps who did what; the points it recorded go with the history.
            try await AuditLog.scrubCoordinates(vehicleKeys: keys, on: connection, logger: logger)
            if channel == "cli" {
                // The API's erasures are recorded by its audit middleware, with the request.
                for vehicle in vehicles {
                    try await AuditLog.append(
                        AuditEntry(
                            account: subjectUser, actor: requestedBy, channel: channel, action: "history.erase",
                            target: "vehicle:\(vehicle.id.uuidString.lowercased())", vehicleKey: vehicle.key,
                            after: #"{"erasedThrough":"\#(UTCTime.iso8601(milliseconds: through))"}"#),
                        on: connection, logger: logger)
                }
            }
            for try await id in try await connection.query(
                """
                INSERT INTO erasure_audit (subject_user, vehicle_ids, requested_by, channel, erased_through, live_rows_deleted)
                VALUES (\(subjectUser), \(ids)::uuid[], \(requestedBy), \(channel), \(throughDate), \(Int64(deleted)))
                RETURNING id
                """, logger: logger
            ).decode(Int64.self) {
                auditID = id
            }
            try await connection.query("COMMIT", logger: logger)
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        metrics.erasures.increment(by: vehicles.count)
        logger.info(
            "history erased in PostGIS",
            metadata: [
                "audit": "\(auditID)", "vehicles": "\(ids.map { $0.uuidString.lowercased() })", "rows": "\(deleted)", "channel": "\(channel)",
            ])

        // The erasure is recorded: if the rewrite fails now, every archive run retries it.
        var archived: (archives: Int, rows: Int)?
        do {
            archived = try await context.withArchiveLock(waitSeconds: archiveLockWaitSeconds) { connection in
                try await applyPending(on: connection)
            }
        } catch {
            logger.error(
                "archive rewrite for an erasure failed; the next archive run retries it",
                metadata: [
                    "audit": "\(auditID)", "error": "\(error)",
                ])
        }
        let result = ErasureResult(
            auditID: auditID, liveRowsDeleted: deleted, archivesRewritten: archived?.archives ?? 0,
            archiveRowsRemoved: archived?.rows ?? 0, archivesPending: archived == nil, erasedThrough: through)
        if archived == nil {
            logger.warning("archives not rewritten yet; the next archive run does it", metadata: ["audit": "\(auditID)"])
        }
        return result
    }

    /// Rewrites every archive still holding rows of an erased vehicle, and completes the audit rows
    /// of erasures that have no archive work left. Call with the archive lock held.
    func applyPending(on connection: PostgresConnection) async throws -> (archives: Int, rows: Int) {
        var erased: [Int64: Int64] = [:]
        for try await (key, through) in try await connection.query(
            "SELECT vehicle_key, erased_through FROM position_erasures", logger: logger
        ).decode((Int64, Date).self) {
            erased[key] = WallClock.milliseconds(through)
        }
        var archives = 0
        var rows = 0
        if !erased.isEmpty {
            let erased = erased
            let directory = context.directory
            let keys = context.keys
            let manifests = try await Blocking.onThreadPool { try directory.manifests() }
            let appliedAt = now()
            for manifest in manifests {
                let hit = manifest.vehicleKeys.contains { key in
                    guard let through = erased[key], (manifest.minFixTime.flatMap(UTCTime.parseISO8601) ?? .min) <= through else { return false }
                    let done = manifest.erasures.contains { $0.vehicleKey == key && (UTCTime.parseISO8601($0.erasedThrough) ?? .min) >= through }
                    return !done
                }
                guard hit else { continue }
                let (next, removed) = try await Blocking.onThreadPool {
                    try ArchiveRewriter.rewrite(manifest, erasing: erased, in: directory, keys: keys, appliedAt: appliedAt)
                }
                archives += 1
                rows += removed
                metrics.erasureRewrites.increment()
                logger.info(
                    "archive rewritten for erasure",
                    metadata: [
                        "partition": "\(manifest.partition)", "generation": "\(next.generation)", "rowsRemoved": "\(removed)",
                    ])
            }
        }
        try await connection.query(
            """
            UPDATE erasure_audit SET completed_at = now(),
                archives_rewritten = COALESCE(archives_rewritten, 0) + \(archives),
                archive_rows_removed = COALESCE(archive_rows_removed, 0) + \(Int64(rows))
            WHERE completed_at IS NULL
            """, logger: logger)
        return (archives, rows)
    }
}
