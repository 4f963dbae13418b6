import ArgumentParser
import Foundation
import GeoFleetArchive
import GeoFleetCore
import GeoFleetPlatform

/// `geofleet archive list`: archives, restored partitions and partitions due for archiving.
struct ArchiveListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List archives and partitions due for archiving.")

    @Option(help: "Instant the retention is measured from (ISO 8601; default: now).") var now: String?

    func run() async throws {
        let env = try await ArchiveEnvironment.load()
        let at = try now.map { try ArchiveDateArgument.parse($0, endOfDay: false) } ?? WallClock.nowMilliseconds()
        let overview = try await ArchiveOverview.load(context: env.context, retentionDays: env.configuration.archive.retentionDays, now: at)
        for m in overview.archives {
            let restored = overview.restored.contains(m.partition) ? "  [restored]" : ""
            ArchiveEnvironment.say(
                "archived  \(m.partition)  \(m.rangeStart) .. \(m.rangeEnd)  rows=\(m.rows) vehicles=\(m.vehicleCount) "
                    + "bytes=\(m.compressedBytes) table=\(m.tableBytes) gen=\(m.generation) key=\(m.encryption?.keyId ?? "-")\(restored)")
        }
        for p in overview.due {
            ArchiveEnvironment.say("due       \(p.name)  \(UTCTime.iso8601(milliseconds: p.start)) .. \(UTCTime.iso8601(milliseconds: p.end))")
        }
        let bytes = overview.archives.reduce(Int64(0)) { $0 + $1.compressedBytes }
        ArchiveEnvironment.say(
            "summary: archives=\(overview.archives.count) rows=\(overview.archives.reduce(0) { $0 + $1.rows }) bytes=\(bytes) "
                + "restored=\(overview.restored.count) due=\(overview.due.count) live=\(overview.live.count)")
    }
}
