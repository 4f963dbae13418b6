import ArgumentParser
import Foundation
import GeoFleetArchive
import GeoFleetPlatform

/// `geofleet archive run [--now ISO]`: archives and drops what is older than the retention.
struct ArchiveRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Archive and drop partitions older than the retention.")

    @Option(help: "Instant the retention is measured from (ISO 8601; default: now), to age data without waiting.") var now: String?

    func run() async throws {
        let env = try await ArchiveEnvironment.load()
        let at = try now.map { try ArchiveDateArgument.parse($0, endOfDay: false) }
        var archiver = PartitionArchiver(
            context: env.context, retentionDays: env.configuration.archive.retentionDays,
            now: {
                at ?? WallClock.nowMilliseconds()
            })
        archiver.progress = { ArchiveEnvironment.say($0) }
        let started = ContinuousClock.now
        let summary = try await archiver.run()
        if summary.lockedOut {
            ArchiveEnvironment.say("summary: another process is archiving (lock held); nothing done")
            return
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        let bytes = summary.archived.reduce(Int64(0)) { $0 + $1.compressedBytes }
        let table = summary.archived.reduce(Int64(0)) { $0 + $1.tableBytes }
        let export = summary.archived.reduce(0.0) { $0 + $1.exportSeconds }
        let verify = summary.archived.reduce(0.0) { $0 + $1.verifySeconds }
        let lock = summary.archived.map(\.partitionLockSeconds).max() ?? 0
        let parentLock = summary.archived.map(\.parentLockSeconds).max() ?? 0
        ArchiveEnvironment.say(
            String(
                format: "summary: partitions=%d rows=%d bytes=%lld table_bytes=%lld ratio=%.3f seconds=%.2f export_seconds=%.2f "
                    + "export_rows_per_second=%.0f verify_seconds=%.2f max_partition_lock_seconds=%.3f max_parent_lock_seconds=%.3f "
                    + "restored_skipped=%d needs_attention=%d erasure_rewrites=%d",
                summary.archived.count, summary.rows, bytes, table, table > 0 ? Double(bytes) / Double(table) : 0, seconds, export,
                export > 0 ? Double(summary.rows) / export : 0, verify, lock, parentLock,
                summary.skippedRestored.count, summary.needsAttention.count, summary.erasureRewrites))
        if !summary.needsAttention.isEmpty { throw ExitCode(2) }
    }
}
