import GeoFleetArchive

/// One stretch of an export's range, read from one place: PostGIS, or one archive file.
enum ExportSegment: Sendable {
    /// Fix times from `from` to `to` (ms; `to` included when `throughEnd`) from the live `positions` table.
    case live(from: Int64, to: Int64, throughEnd: Bool)
    /// One archived partition whose table is not live (a restored one is read live, once).
    case archive(ArchiveManifest)
}

/// The range cut into segments in time order: each archived-and-dropped partition is one archive
/// segment, the stretches between them are read from PostGIS a UTC day at a time (progress moves by
/// day; partitions that do not exist there simply yield nothing).
enum ExportPlan {
    static let day: Int64 = 86_400_000

    static func segments(from: Int64, to: Int64, manifests: [ArchiveManifest], livePartitions: Set<String>) -> [ExportSegment] {
        let archived = manifests.compactMap { m -> (ArchiveManifest, Int64, Int64)? in
            guard !livePartitions.contains(m.partition), let range = m.range, range.start <= to, range.end > from else { return nil }
            return (m, range.start, range.end)
        }.sorted { $0.1 < $1.1 }
        var out: [ExportSegment] = []
        var cursor = from
        for (manifest, start, end) in archived {
            if start > cursor { out += live(from: cursor, to: start, throughEnd: false) }
            out.append(.archive(manifest))
            cursor = max(cursor, end)
        }
        if cursor <= to { out += live(from: cursor, to: to, throughEnd: true) }
        return out
    }

    /// [from, to) (or [from, to]) cut at UTC midnights.
    static func live(from: Int64, to: Int64, throughEnd: Bool) -> [ExportSegment] {
        var out: [ExportSegment] = []
        var cursor = from
        while true {
            let midnight = (cursor >= 0 ? cursor / day + 1 : (cursor - day + 1) / day + 1) * day
            if midnight >= to { break }
            out.append(.live(from: cursor, to: midnight, throughEnd: false))
            cursor = midnight
        }
        out.append(.live(from: cursor, to: to, throughEnd: throughEnd))
        return out
    }
}
