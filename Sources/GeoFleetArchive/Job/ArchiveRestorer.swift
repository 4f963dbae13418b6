import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetPostGIS
import Logging
import PostgresNIO

/// `geofleet archive restore` and `drop-restored`: brings archived partitions back into `positions`
/// for an investigation (the archive job leaves them alone) and removes them again.
public struct ArchiveRestorer: Sendable {
    public let context: ArchiveContext
    public var progress: (@Sendable (String) -> Void)?

    public init(context: ArchiveContext) {
        self.context = context
    }

    private var logger: Logger { context.logger }

    /// Restores every archive whose range overlaps [from, to); returns (partition, rows) restored.
    /// A partition that is live already is left as it is.
    public func restore(from: Int64, to: Int64) async throws -> [(partition: String, rows: Int)] {
        let result = try await context.withArchiveLock(waitSeconds: 600) { connection in
            try await restoreLocked(from: from, to: to, on: connection)
        }
        guard let result else { throw ArchiveError.mismatch("the archive lock stayed busy; try again") }
        return result
    }

    private func restoreLocked(from: Int64, to: Int64, on connection: PostgresConnection) async throws -> [(partition: String, rows: Int)] {
        let directory = context.directory
        let endpoint = context.endpoint
        let keys = context.keys
        let manifests = try await Blocking.onThreadPool { try directory.manifests() }.filter { m in
            guard let start = UTCTime.parseISO8601(m.rangeStart), let end = UTCTime.parseISO8601(m.rangeEnd) else { return false }
            return start < to && end > from
        }
        let live = Set(try await PartitionCatalog.partitions(on: connection, logger: logger).map(\.name))
        var restored: [(String, Int)] = []
        for (index, manifest) in manifests.enumerated() {
            let name = manifest.partition
            // Validated when read (name, range, file); quoted and re-rendered here all the same.
            let table = QuotedIdentifier.sql(name)
            guard let range = manifest.range else { throw ArchiveError.corrupt("manifest of \(name): no range") }
            let label = "[\(index + 1)/\(manifests.count)] \(name)"
            if live.contains(name) {
                progress?("\(label): already in PostGIS, skipped")
                continue
            }
            let stats = try await Blocking.onThreadPool { try ArchiveReader.stats(manifest: manifest, directory: directory, keys: keys) }
            try stats.check(against: manifest)
            progress?("\(label): archive verified, loading \(manifest.rows) rows")
            // A standalone table first (a crash leaves no half-loaded partition visible), attached once loaded.
            try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(table)"), logger: logger)
            try await connection.query(
                PostgresQuery(unsafeSQL: "CREATE TABLE \(table) (LIKE positions INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"), logger: logger)
            try await Blocking.onThreadPool {
                try ArchivePipelines.load(manifest: manifest, directory: directory, keys: keys, into: name, endpoint: endpoint)
            }
            try await connection.query("BEGIN", logger: logger)
            // Erasures recorded after the archive was made (and not yet rewritten into it) still hold.
            var erased = 0
            for try await n in try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        WITH d AS (DELETE FROM \(table) p USING position_erasures e
                                   WHERE p.vehicle_key = e.vehicle_key AND p.fix_time <= e.erased_through RETURNING 1)
                        SELECT count(*)::int8 FROM d
                        """), logger: logger
            ).decode(Int64.self) {
                erased = Int(n)
            }
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        ALTER TABLE positions ATTACH PARTITION \(table)
                        FOR VALUES FROM ('\(UTCTime.iso8601(milliseconds: range.start))') TO ('\(UTCTime.iso8601(milliseconds: range.end))')
                        """), logger: logger)
            try await connection.query(
                "INSERT INTO archive_restored (partition_name) VALUES (\(name)) ON CONFLICT DO NOTHING", logger: logger)
            try await connection.query("COMMIT", logger: logger)
            let rows = manifest.rows - erased
            logger.info("partition restored from archive", metadata: ["partition": "\(name)", "rows": "\(rows)", "erased": "\(erased)"])
            progress?("\(label): restored \(rows) rows" + (erased > 0 ? " (\(erased) erased rows left out)" : ""))
            restored.append((name, rows))
        }
        return restored
    }

    /// Drops the restored partitions overlapping [from, to) again (their archives stay).
    public func dropRestored(from: Int64, to: Int64) async throws -> [String] {
        let result = try await context.withArchiveLock(waitSeconds: 600) { connection in
            let restored = try await PartitionCatalog.restored(on: connection, logger: logger)
            let targets = try await PartitionCatalog.partitions(on: connection, logger: logger).filter {
                restored.contains($0.name) && $0.start < to && $0.end > from
            }
            var dropped: [String] = []
            for (index, partition) in targets.enumerated() {
                try await connection.query("BEGIN", logger: logger)
                try await connection.query(
                    PostgresQuery(unsafeSQL: "ALTER TABLE positions DETACH PARTITION \(QuotedIdentifier.sql(partition.name))"), logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE \(QuotedIdentifier.sql(partition.name))"), logger: logger)
                try await connection.query("DELETE FROM archive_restored WHERE partition_name = \(partition.name)", logger: logger)
                try await connection.query("COMMIT", logger: logger)
                progress?("[\(index + 1)/\(targets.count)] \(partition.name): restored copy dropped")
                dropped.append(partition.name)
            }
            return dropped
        }
        guard let result else { throw ArchiveError.mismatch("the archive lock stayed busy; try again") }
        return result
    }
}
