import Crypto
import Foundation
import GeoFleetCore
#if canImport(Glibc)
import Glibc
#endif

/// What reading an archive file back found: the numbers a manifest must agree with.
public struct ArchiveStats: Sendable, Equatable {
    public var rows = 0
    public var vehicleKeys: Set<Int64> = []
    public var minFixTime: Int64?
    public var maxFixTime: Int64?
    public var sha256 = ""
    public var compressedBytes: Int64 = 0

    mutating func add(vehicleKey: Int64, fixTime: Int64) {
        rows += 1
        vehicleKeys.insert(vehicleKey)
        if minFixTime.map({ fixTime < $0 }) ?? true { minFixTime = fixTime }
        if maxFixTime.map({ fixTime > $0 }) ?? true { maxFixTime = fixTime }
    }

    /// Throws unless these stats are the ones `manifest` vouches for.
    func check(against manifest: ArchiveManifest) throws {
        var problems: [String] = []
        if sha256 != manifest.sha256 { problems.append("sha256 \(sha256) != \(manifest.sha256)") }
        if rows != manifest.rows { problems.append("rows \(rows) != \(manifest.rows)") }
        if vehicleKeys.count != manifest.vehicleCount { problems.append("vehicles \(vehicleKeys.count) != \(manifest.vehicleCount)") }
        if vehicleKeys.sorted() != manifest.vehicleKeys { problems.append("vehicle keys differ") }
        if minFixTime.map(UTCTime.iso8601) != manifest.minFixTime || maxFixTime.map(UTCTime.iso8601) != manifest.maxFixTime {
            problems.append("time range differs")
        }
        if compressedBytes != manifest.compressedBytes { problems.append("size \(compressedBytes) != \(manifest.compressedBytes)") }
        if !problems.isEmpty { throw ArchiveError.mismatch("\(manifest.partition): " + problems.joined(separator: "; ")) }
    }
}

/// Reads archive files back: every reader (verify, restore, erasure and rekey rewrites, exports)
/// gets an archive's plaintext COPY stream through `scan`, which hashes the bytes on disk, opens
/// sealed chunks and decodes every tuple in one pass through `zstd -d`.
enum ArchiveReader {
    static let chunk = 1 << 20

    /// The archive `manifest` vouches for: `tuple` is called for every row (vehicle key, fix time
    /// in ms, the tuple's binary COPY bytes); returns the COPY header. An encrypted archive whose key
    /// `keys` lacks is `ArchiveError.missingKey`; a tampered or truncated one `ArchiveError.corrupt`.
    /// Blocking.
    static func scan(
        manifest: ArchiveManifest, directory: ArchiveDirectory, keys: ArchiveKeyring,
        tuple: (Int64, Int64, UnsafeRawBufferPointer) throws -> Void
    ) throws -> [UInt8] {
        try read(ArchiveSource(manifest: manifest, directory: directory), keys: keys, tuple: tuple).header
    }

    /// Hash plus full decode of the archive `manifest` vouches for: the read-back check. Blocking.
    static func stats(manifest: ArchiveManifest, directory: ArchiveDirectory, keys: ArchiveKeyring) throws -> ArchiveStats {
        try stats(ArchiveSource(manifest: manifest, directory: directory), keys: keys)
    }

    /// Hash plus full decode of any archive file. Blocking.
    static func stats(_ source: ArchiveSource, keys: ArchiveKeyring) throws -> ArchiveStats {
        var stats = ArchiveStats()
        (_, stats.sha256, stats.compressedBytes) = try read(source, keys: keys) { key, fix, _ in stats.add(vehicleKey: key, fixTime: fix) }
        return stats
    }

    /// The one pass: file → (open) → `zstd -d` → COPY decoder. Blocking.
    static func read(
        _ source: ArchiveSource, keys: ArchiveKeyring, tuple: (Int64, Int64, UnsafeRawBufferPointer) throws -> Void
    ) throws -> (header: [UInt8], sha256: String, bytes: Int64) {
        let feed = try ArchiveFeed(source, keys: keys)
        let (readEnd, writeEnd): (Int32, Int32)
        do {
            (readEnd, writeEnd) = try PipedProcess.pipe()
        } catch {
            close(feed.readEnd)
            _ = feed.failure
            throw error
        }
        // Unique: an export and a verify may read the same archive at once.
        let errPath = source.path + ".zstd-d.\(UInt32.random(in: 0...UInt32.max)).err"
        defer { unlink(errPath) }
        let process: PipedProcess
        do {
            process = try PipedProcess.spawn("zstd", ["-d", "-c", "-q"], stdin: .fd(feed.readEnd), stdout: .fd(writeEnd), stderrPath: errPath)
        } catch {
            close(feed.readEnd)
            close(readEnd)
            close(writeEnd)
            _ = feed.failure
            throw error
        }
        close(feed.readEnd)
        close(writeEnd)
        var scanner = PGCopyBinaryScanner()
        var buffer = [UInt8](repeating: 0, count: chunk)
        var failure: (any Error)?
        while failure == nil {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(readEnd, $0.baseAddress!, chunk) }
            if n < 0 { if errno == EINTR { continue }; failure = ArchiveError.io("read zstd output", errno); break }
            if n == 0 { break }
            do {
                try buffer.withUnsafeBytes { try scanner.consume(UnsafeRawBufferPointer(rebasing: $0[0..<n]), tuple: tuple) }
            } catch {
                failure = error
            }
        }
        close(readEnd)
        let status = process.wait()
        // The feed's own failure (authentication, missing key, truncation) explains zstd's.
        if let fed = feed.failure { throw fed }
        if let failure { throw failure }
        if status != 0 {
            throw ArchiveError.corrupt("zstd -d exit \(status): \((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")")
        }
        let (sha256, bytes) = try feed.finish()
        try scanner.finish()
        return (scanner.header, sha256, bytes)
    }
}
