import Foundation
import GeoFleetCore
import GeoFleetPlatform
#if canImport(Glibc)
import Glibc
#endif

/// Rewrites an archive without the erased vehicles' rows (none for a rekey), sealed with the
/// keyring's current key (plaintext without one): a new generation of the data file is
/// written, read back and checked, then a new manifest (the commit point) replaces the old one and
/// the old file is deleted. A crash before the manifest leaves the old archive intact (the new file
/// is an orphan the next run deletes); after it, the old file is the orphan.
enum ArchiveRewriter {
    /// Blocking. Returns the new manifest and the rows removed.
    static func rewrite(
        _ manifest: ArchiveManifest, erasing erased: [Int64: Int64], in directory: ArchiveDirectory, keys: ArchiveKeyring,
        appliedAt: Int64
    ) throws -> (ArchiveManifest, Int) {
        let source = directory.file(manifest.file)
        try ArchiveReader.stats(manifest: manifest, directory: directory, keys: keys).check(against: manifest)
        let generation = manifest.generation + 1
        let key = keys.current
        let dataName = ArchiveManifest.dataFileName(partition: manifest.partition, generation: generation, encrypted: key != nil)
        let temporary = directory.file(dataName) + ".tmp"
        let zstd = try ZstdCompressor(output: temporary, sealWith: key)
        var removedPerVehicle: [Int64: Int] = [:]
        var out: [UInt8] = PGCopyBinaryScanner.signature + [0, 0, 0, 0, 0, 0, 0, 0]
        out.reserveCapacity(1 << 20)
        var failure: (any Error)?
        do {
            _ = try ArchiveReader.scan(manifest: manifest, directory: directory, keys: keys) { key, fix, tuple in
                if let through = erased[key], fix <= through {
                    removedPerVehicle[key, default: 0] += 1
                    return
                }
                out.append(contentsOf: tuple)
                if out.count >= 1 << 20 {
                    try out.withUnsafeBytes { try zstd.write($0) }
                    out.removeAll(keepingCapacity: true)
                }
            }
            out.append(contentsOf: PGCopyBinaryScanner.trailer)
            try out.withUnsafeBytes { try zstd.write($0) }
        } catch {
            failure = error
        }
        do {
            try zstd.finish(after: failure)
        } catch {
            unlink(temporary)
            throw error
        }
        let removed = removedPerVehicle.values.reduce(0, +)
        let stats = try ArchiveReader.stats(ArchiveSource(written: temporary, label: manifest.partition, key: key), keys: keys)
        guard stats.rows == manifest.rows - removed, stats.vehicleKeys.isSubset(of: Set(manifest.vehicleKeys)) else {
            unlink(temporary)
            throw ArchiveError.mismatch("\(manifest.partition): rewrite holds \(stats.rows) rows, expected \(manifest.rows - removed)")
        }
        try directory.publish(temporary, as: directory.file(dataName))
        var next = manifest
        next.setStorage(partition: manifest.partition, generation: generation, key: key)
        next.rows = stats.rows
        next.vehicleKeys = stats.vehicleKeys.sorted()
        next.vehicleCount = stats.vehicleKeys.count
        next.minFixTime = stats.minFixTime.map(UTCTime.iso8601)
        next.maxFixTime = stats.maxFixTime.map(UTCTime.iso8601)
        next.compressedBytes = stats.compressedBytes
        next.sha256 = stats.sha256
        // Every erased vehicle the archive listed is recorded, even with 0 rows removed (all its rows
        // were newer than the erasure), so the next run does not rewrite it again.
        for key in manifest.vehicleKeys {
            guard let through = erased[key] else { continue }
            next.erasures.append(
                .init(
                    vehicleKey: key, erasedThrough: UTCTime.iso8601(milliseconds: through),
                    rowsRemoved: removedPerVehicle[key] ?? 0, appliedAt: UTCTime.iso8601(milliseconds: appliedAt)))
        }
        try directory.write(next)
        try? FileManager.default.removeItem(atPath: source)
        try directory.syncDirectory()
        return (next, removed)
    }
}
