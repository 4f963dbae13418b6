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

/// Reads archive files back: hashing the compressed bytes and decoding every tuple through `zstd -d`.
enum ArchiveReader {
    static let chunk = 1 << 20

    /// SHA-256 (hex) and size of a file. Blocking.
    static func sha256(_ path: String) throws -> (String, Int64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ArchiveError.io("open \(path)", errno) }
        defer { close(fd) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: chunk)
        var total: Int64 = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, chunk) }
            if n < 0 { if errno == EINTR { continue }; throw ArchiveError.io("read \(path)", errno) }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            total += Int64(n)
        }
        return (hasher.finalize().map { String(format: "%02x", $0) }.joined(), total)
    }

    /// Decompresses `path` and calls `tuple` for every row. Blocking.
    static func scan(_ path: String, scratch: String, tuple: (Int64, Int64, UnsafeRawBufferPointer) throws -> Void) throws -> [UInt8] {
        let (readEnd, writeEnd) = try PipedProcess.pipe()
        let errPath = scratch + ".zstd-d.err"
        defer { unlink(errPath) }
        let process: PipedProcess
        do {
            process = try PipedProcess.spawn("zstd", ["-d", "-c", "-q", path], stdin: .devNull, stdout: .fd(writeEnd), stderrPath: errPath)
        } catch {
            close(readEnd)
            close(writeEnd)
            throw error
        }
        close(writeEnd)
        var scanner = PGCopyBinaryScanner()
        var buffer = [UInt8](repeating: 0, count: chunk)
        var failure: (any Error)?
        while failure == nil {
            let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress!, chunk) }
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
        if let failure { throw failure }
        if status != 0 {
            throw ArchiveError.corrupt("zstd -d exit \(status): \((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")")
        }
        try scanner.finish()
        return scanner.header
    }

    /// Hash plus full decode: the read-back check. Blocking.
    static func stats(_ path: String) throws -> ArchiveStats {
        var stats = ArchiveStats()
        (stats.sha256, stats.compressedBytes) = try sha256(path)
        _ = try scan(path, scratch: path) { key, fix, _ in stats.add(vehicleKey: key, fixTime: fix) }
        return stats
    }
}
