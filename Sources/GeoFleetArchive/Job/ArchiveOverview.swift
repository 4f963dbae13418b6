import Foundation
import GeoFleetPlatform
import GeoFleetPostGIS

/// Everything `archive list` shows: archives, restored partitions, live partitions and those due.
public struct ArchiveOverview: Sendable {
    public var archives: [ArchiveManifest]
    public var restored: Set<String>
    public var live: [LivePartition]
    /// Live partitions wholly older than the retention (the next run archives them).
    public var due: [LivePartition]

    public static func load(context: ArchiveContext, retentionDays: Int, now: Int64) async throws -> ArchiveOverview {
        let directory = context.directory
        let archives = try await Blocking.onThreadPool { try directory.manifests() }
        let connection = try await context.connect()
        do {
            let restored = try await PartitionCatalog.restored(on: connection, logger: context.logger)
            let live = try await PartitionCatalog.partitions(on: connection, logger: context.logger)
            try? await connection.close()
            // As the archive job decides: never today's or yesterday's partition by the real clock.
            let wall = WallClock.nowMilliseconds()
            let cutoff = min(now - Int64(retentionDays) * 86_400_000, PartitionScheme.daily.start(containing: wall) - 86_400_000)
            return ArchiveOverview(
                archives: archives, restored: restored, live: live,
                due: live.filter { $0.end <= cutoff && !restored.contains($0.name) })
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
