import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetPostGIS
import Logging
import PostgresNIO

/// The retention job: every partition wholly older than the retention is exported to a zstd archive,
/// read back and checked, vouched for by a manifest, and only then detached and dropped.
///
/// Crash safety comes from the order: the partition is detached only after its manifest is durable,
/// and the manifest is written only after the file was read back and matched the partition's count.
/// The detach transaction re-counts the partition under an exclusive lock, so a crash leaves it
/// whole in PostGIS, or detached or gone with a verified archive. A rerun picks up where the last
/// one stopped: files without a manifest are deleted and redone; a partition with a manifest is
/// re-verified and dropped; a detached table with a verified archive is dropped.
public struct PartitionArchiver: Sendable {
    public let context: ArchiveContext
    public let retentionMilliseconds: Int64
    public let now: @Sendable () -> Int64
    /// The real clock, never the `now` a test or `archive run --now` moves: partitions it says are
    /// still receiving positions (today's and yesterday's) are never archived, whatever `now` says.
    public var wallClock: @Sendable () -> Int64 = { WallClock.nowMilliseconds() }
    public var faults: ArchiveFaultHook?
    /// One line per step, for the CLI.
    public var progress: (@Sendable (String) -> Void)?
    /// How long the drop transaction waits for its locks before giving up until the next run.
    public var lockTimeoutSeconds = 10
    private let metrics = ArchiveMetrics()

    public init(context: ArchiveContext, retentionDays: Int, now: @escaping @Sendable () -> Int64) {
        self.context = context
        self.retentionMilliseconds = Int64(retentionDays) * 86_400_000
        self.now = now
    }

    private var logger: Logger { context.logger }

    /// Partitions whose whole range ends at or before this instant are archived.
    public var cutoff: Int64 { now() - retentionMilliseconds }

    /// Midnight UTC starting yesterday by the wall clock: a partition ending after it may still get
    /// positions (late fixes, devices replaying their memory) and is never archived.
    public var protectedFrom: Int64 { PartitionScheme.daily.start(containing: wallClock()) - 86_400_000 }

    /// Runs once. Returns `lockedOut` when another process is archiving.
    public func run() async throws -> ArchiveRunSummary {
        let result = try await context.withArchiveLock(waitSeconds: nil) { connection in
            try await runLocked(on: connection)
        }
        guard let result else {
            logger.info("archive run skipped: another process holds the archive lock")
            return ArchiveRunSummary(lockedOut: true)
        }
        return result
    }

    private func runLocked(on connection: PostgresConnection) async throws -> ArchiveRunSummary {
        var summary = ArchiveRunSummary()
        let directory = context.directory
        try await Blocking.onThreadPool { try directory.create() }
        summary.orphansRemoved = try await Blocking.onThreadPool { try directory.removeOrphans() }
        if !summary.orphansRemoved.isEmpty {
            logger.info("removed leftovers of an interrupted run", metadata: ["files": "\(summary.orphansRemoved)"])
        }
        // Erasures recorded while no rewrite could run (a crash, or the lock was busy) are applied first.
        summary.erasureRewrites = try await HistoryEraser(context: context, now: now).applyPending(on: connection).archives

        try await dropDetachedLeftovers(on: connection, summary: &summary)

        let cutoff = self.cutoff
        let restored = try await PartitionCatalog.restored(on: connection, logger: logger)
        let protectedFrom = self.protectedFrom
        let old = try await PartitionCatalog.partitions(on: connection, logger: logger).filter { $0.end <= cutoff }
        let due = old.filter { $0.end <= protectedFrom }
        summary.keptRecent = old.filter { $0.end > protectedFrom }.map(\.name)
        if !summary.keptRecent.isEmpty {
            logger.warning(
                "the archive clock is ahead of the real one; today's and yesterday's partitions are kept",
                metadata: [
                    "now": "\(UTCTime.iso8601(milliseconds: now()))", "kept": "\(summary.keptRecent)",
                ])
            report(
                "archive run: \(summary.keptRecent.count) partition(s) of today or yesterday (real clock) kept: \(summary.keptRecent.joined(separator: ", "))"
            )
        }
        report("archive run: \(due.count) partition(s) older than \(UTCTime.iso8601(milliseconds: cutoff))")
        for (index, partition) in due.enumerated() {
            if restored.contains(partition.name) {
                summary.skippedRestored.append(partition.name)
                report("[\(index + 1)/\(due.count)] \(partition.name): restored for investigation, left alone")
                continue
            }
            do {
                if let archived = try await archive(partition, on: connection, label: "[\(index + 1)/\(due.count)]") {
                    summary.archived.append(archived)
                } else {
                    summary.needsAttention.append(partition.name)
                }
            } catch {
                metrics.failures.increment()
                logger.error(
                    "archiving failed; the partition stays in PostGIS",
                    metadata: [
                        "partition": "\(partition.name)", "error": "\(error)",
                    ])
                throw error
            }
        }
        let defaultRows = try await PartitionCatalog.defaultRows(on: connection, logger: logger)
        if defaultRows > 0 {
            logger.error("positions_default holds rows; the writer should have created their partitions", metadata: ["rows": "\(defaultRows)"])
        }
        return summary
    }

    /// Archives one partition; nil when it must be left for an operator (logged).
    func archive(_ partition: LivePartition, on connection: PostgresConnection, label: String) async throws -> ArchivedPartition? {
        var logger = self.logger
        logger[metadataKey: "partition"] = "\(partition.name)"
        let directory = context.directory
        let endpoint = context.endpoint
        let keys = context.keys
        let name = partition.name

        if let manifest = try await Blocking.onThreadPool({ try directory.manifest(partition: name) }) {
            // An earlier run vouched for the archive but did not drop: check the file again, then drop
            // if the partition still holds exactly those rows.
            report("\(label) \(name): archive exists from an interrupted run, re-verifying")
            let started = ContinuousClock.now
            let stats = try await Blocking.onThreadPool { try ArchiveReader.stats(manifest: manifest, directory: directory, keys: keys) }
            try stats.check(against: manifest)
            let verifySeconds = (ContinuousClock.now - started).seconds
            guard let locks = try await drop(partition, expectedRows: manifest.rows, on: connection) else {
                // Rows were added after the archive was made (the range was re-created by a late fix):
                // keeping both is the only safe choice.
                logger.error("partition differs from its existing archive; left in PostGIS for an operator")
                report("\(label) \(name): differs from its existing archive; NOT dropped (needs attention)")
                return nil
            }
            report("\(label) \(name): dropped (archive verified, \(manifest.rows) rows)")
            return ArchivedPartition(
                name: name, rows: manifest.rows, compressedBytes: manifest.compressedBytes, tableBytes: manifest.tableBytes,
                exportSeconds: 0, verifySeconds: verifySeconds, partitionLockSeconds: locks.partition, parentLockSeconds: locks.parent,
                resumed: true)
        }

        // 1. The partition's own numbers, then the export.
        var rows = 0
        var tableBytes: Int64 = 0
        for try await (count, size) in try await connection.query(
            PostgresQuery(
                unsafeSQL:
                    "SELECT count(*)::int8, pg_total_relation_size(\(QuotedIdentifier.literal(QuotedIdentifier.sql(name))))::int8 FROM \(QuotedIdentifier.sql(name))"
            ), logger: logger
        ).decode((Int64, Int64).self) {
            rows = Int(count)
            tableBytes = size
        }
        let key = keys.current
        let dataName = ArchiveManifest.dataFileName(partition: name, generation: 1, encrypted: key != nil)
        let temporary = directory.file(dataName) + ".tmp"
        report("\(label) \(name): exporting \(rows) rows" + (key.map { ", encrypted with key '\($0.id)'" } ?? ""))
        var started = ContinuousClock.now
        let streams = context.exportStreams
        let expected = rows
        try await Blocking.onThreadPool {
            try ParallelExport.export(table: name, endpoint: endpoint, streams: streams, rows: expected, to: temporary, sealWith: key)
        }
        let exportSeconds = (ContinuousClock.now - started).seconds
        metrics.export.record(duration: ContinuousClock.now - started)
        try faults?(.exported, name)

        // 2. Read back: every tuple decoded, hashed, counted.
        started = ContinuousClock.now
        let stats = try await Blocking.onThreadPool { try ArchiveReader.stats(ArchiveSource(written: temporary, label: name, key: key), keys: keys) }
        let verifySeconds = (ContinuousClock.now - started).seconds
        metrics.verify.record(duration: ContinuousClock.now - started)
        guard stats.rows == rows else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw ArchiveError.mismatch("\(name): archive holds \(stats.rows) rows, the partition \(rows)")
        }
        try faults?(.verified, name)

        // 3. Publish the file, then the manifest that vouches for it.
        try await Blocking.onThreadPool { try directory.publish(temporary, as: directory.file(dataName)) }
        try faults?(.published, name)
        var manifest = ArchiveManifest(
            partition: name, rangeStart: UTCTime.iso8601(milliseconds: partition.start), rangeEnd: UTCTime.iso8601(milliseconds: partition.end),
            file: dataName, generation: 1, rows: stats.rows, vehicleCount: stats.vehicleKeys.count, vehicleKeys: stats.vehicleKeys.sorted(),
            minFixTime: stats.minFixTime.map(UTCTime.iso8601), maxFixTime: stats.maxFixTime.map(UTCTime.iso8601),
            compressedBytes: stats.compressedBytes, sha256: stats.sha256, tableBytes: tableBytes,
            createdAt: UTCTime.iso8601(milliseconds: WallClock.nowMilliseconds()))
        manifest.setStorage(partition: name, generation: 1, key: key)
        let published = manifest
        try await Blocking.onThreadPool { try directory.write(published) }
        try faults?(.manifestWritten, name)
        report("\(label) \(name): archived \(stats.rows) rows, \(stats.compressedBytes) bytes (table \(tableBytes) bytes), verified")

        // 4. Detach and drop.
        guard let locks = try await drop(partition, expectedRows: rows, on: connection) else {
            // Late rows arrived after the export: this run's archive is incomplete. The partition is
            // whole, so the archive is withdrawn and the next run exports again.
            try await Blocking.onThreadPool {
                try? FileManager.default.removeItem(atPath: directory.file(ArchiveManifest.fileName(partition: name)))
                try? FileManager.default.removeItem(atPath: directory.file(dataName))
                try directory.syncDirectory()
            }
            logger.warning("rows arrived during the export; archive withdrawn, the next run redoes it")
            report("\(label) \(name): rows arrived during the export; kept in PostGIS, next run redoes it")
            return nil
        }
        metrics.partitions.increment()
        metrics.rows.increment(by: rows)
        metrics.bytes.increment(by: Int(stats.compressedBytes))
        logger.info(
            "partition archived and dropped",
            metadata: [
                "rows": "\(rows)", "bytes": "\(stats.compressedBytes)", "tableBytes": "\(tableBytes)",
                "exportSeconds": "\(exportSeconds)", "lockSeconds": "\(locks.partition)",
            ])
        report("\(label) \(name): dropped (partition locked \(String(format: "%.3f", locks.partition)) s)")
        return ArchivedPartition(
            name: name, rows: rows, compressedBytes: stats.compressedBytes, tableBytes: tableBytes, exportSeconds: exportSeconds,
            verifySeconds: verifySeconds, partitionLockSeconds: locks.partition, parentLockSeconds: locks.parent, resumed: false)
    }

    /// Lock the partition, re-count it, detach, commit; then drop the standalone table in a second
    /// transaction, so `positions` itself is locked only for the detach (the drop's file unlinks
    /// take a while on a large partition). Returns nil (rolled back) when the count differs from
    /// the archive's. A crash between the two leaves a detached table beside a verified archive,
    /// which the next run drops (`dropDetachedLeftovers`).
    private func drop(_ partition: LivePartition, expectedRows: Int, on connection: PostgresConnection) async throws -> (
        partition: Double, parent: Double
    )? {
        let name = partition.name
        try await connection.query("BEGIN", logger: logger)
        try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL lock_timeout = '\(lockTimeoutSeconds)s'"), logger: logger)
        let locked = ContinuousClock.now
        try await connection.query(PostgresQuery(unsafeSQL: "LOCK TABLE \(QuotedIdentifier.sql(name)) IN ACCESS EXCLUSIVE MODE"), logger: logger)
        var count = -1
        for try await n in try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT count(*)::int8 FROM \(QuotedIdentifier.sql(name))"), logger: logger
        ).decode(Int64.self) {
            count = Int(n)
        }
        guard count == expectedRows else {
            try await connection.query("ROLLBACK", logger: logger)
            logger.warning(
                "partition count differs from its archive",
                metadata: [
                    "partition": "\(name)", "rows": "\(count)", "archived": "\(expectedRows)",
                ])
            return nil
        }
        let parentLocked = ContinuousClock.now
        try await connection.query(PostgresQuery(unsafeSQL: "ALTER TABLE positions DETACH PARTITION \(QuotedIdentifier.sql(name))"), logger: logger)
        try faults?(.detached, name)
        try await connection.query("COMMIT", logger: logger)
        let detached = ContinuousClock.now
        try faults?(.detachCommitted, name)
        try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE \(QuotedIdentifier.sql(name))"), logger: logger)
        let done = ContinuousClock.now
        try faults?(.dropped, name)
        metrics.partitionLock.record(duration: done - locked)
        metrics.parentLock.record(duration: detached - parentLocked)
        return ((done - locked).seconds, (detached - parentLocked).seconds)
    }

    /// Drops tables an interrupted run detached but did not drop (or a restore left half-loaded),
    /// once their archive verifies; a standalone `positions_p…` table without an archive is left
    /// for an operator. Returns the names dropped.
    func dropDetachedLeftovers(on connection: PostgresConnection, summary: inout ArchiveRunSummary) async throws {
        var names: [String] = []
        for try await name in try await connection.query(
            """
            SELECT relname::text FROM pg_class
            WHERE relkind = 'r' AND NOT relispartition AND relname LIKE 'positions\\_p%' AND relnamespace = 'public'::regnamespace
            """, logger: logger
        ).decode(String.self) {
            names.append(name)
        }
        let directory = context.directory
        let keys = context.keys
        for name in names {
            guard let manifest = try await Blocking.onThreadPool({ try directory.manifest(partition: name) }) else {
                logger.error("standalone history table without an archive; left for an operator", metadata: ["table": "\(name)"])
                summary.needsAttention.append(name)
                continue
            }
            let stats = try await Blocking.onThreadPool { try ArchiveReader.stats(manifest: manifest, directory: directory, keys: keys) }
            try stats.check(against: manifest)
            try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE \(QuotedIdentifier.sql(name))"), logger: logger)
            logger.info("dropped a detached table whose archive verifies", metadata: ["table": "\(name)"])
            report("\(name): detached by an interrupted run, archive verified, dropped")
        }
    }

    private func report(_ line: String) {
        progress?(line)
    }
}
