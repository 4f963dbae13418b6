import Foundation
import GeoFleetCore
import GeoFleetPlatform
#if canImport(Glibc)
import Glibc
#endif

/// Rewrites an archive without the erased vehicles' rows: a new generation of the data file is
/// written, read back and checked, then a new manifest (the commit point) replaces the old one and
/// the old file is deleted. A crash before the manifest leaves the old archive intact (the new file
/// is an orphan the next run deletes); after it, the old file is the orphan.
enum ArchiveRewriter {
    /// Blocking. Returns the new manifest and the rows removed.
    static func rewrite(
        _ manifest: ArchiveManifest, erasing erased: [Int64: Int64], in directory: ArchiveDirectory,
        appliedAt: Int64
    ) throws -> (ArchiveManifest, Int) {
        let source = directory.file(manifest.file)
        try ArchiveReader.stats(source).check(against: manifest)
        let generation = manifest.generation + 1
        let dataName = ArchiveManifest.dataFileName(partition: manifest.partition, generation: generation)
        let temporary = directory.file(dataName) + ".tmp"
        let (readEnd, writeEnd) = try PipedProcess.pipe()
        let errPath = temporary + ".zstd.err"
        defer { unlink(errPath) }
        let zstd: PipedProcess
        do {
            zstd = try PipedProcess.spawn(
                "zstd", ArchivePipelines.compressArguments + ["-o", temporary],
                stdin: .fd(readEnd), stdout: .devNull, stderrPath: errPath)
        } catch {
            close(readEnd)
            close(writeEnd)
            throw error
        }
        close(readEnd)
        _ = PipedProcess.ignoreSIGPIPE
        var removedPerVehicle: [Int64: Int] = [:]
        var out: [UInt8] = PGCopyBinaryScanner.signature + [0, 0, 0, 0, 0, 0, 0, 0]
        out.reserveCapacity(1 << 20)
        var failure: (any Error)?
        do {
            _ = try ArchiveReader.scan(source, scratch: temporary) { key, fix, tuple in
                if let through = erased[key], fix <= through {
                    removedPerVehicle[key, default: 0] += 1
                    return
                }
                out.append(contentsOf: tuple)
                if out.count >= 1 << 20 {
                    try writeAll(writeEnd, out)
                    out.removeAll(keepingCapacity: true)
                }
            }
            out.append(contentsOf: PGCopyBinaryScanner.trailer)
            try writeAll(writeEnd, out)
        } catch {
            failure = error
        }
        close(writeEnd)
        let status = zstd.wait()
        if let failure {
            unlink(temporary)
            throw failure
        }
        guard status == 0 else {
            unlink(temporary)
            throw ArchiveError.command("zstd", "exit \(status): \((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")")
        }
        let removed = removedPerVehicle.values.reduce(0, +)
        let stats = try ArchiveReader.stats(temporary)
        guard stats.rows == manifest.rows - removed, stats.vehicleKeys.isSubset(of: Set(manifest.vehicleKeys)) else {
            unlink(temporary)
            throw ArchiveError.mismatch("\(manifest.partition): rewrite holds \(stats.rows) rows, expected \(manifest.rows - removed)")
        }
        try directory.publish(temporary, as: directory.file(dataName))
        var next = manifest
        next.file = dataName
        next.generation = generation
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

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 { if errno == EINTR { continue }; throw ArchiveError.io("write to zstd", errno) }
                done += n
            }
        }
    }
}
