import Crypto
import Foundation
import GeoFleetPlatform
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Streams an archive file's zstd bytes into a pipe for `zstd -d`, opening (authenticating and
/// decrypting) sealed chunks on the way and hashing the bytes as they are on disk, on a thread of
/// its own. Decrypted bytes only ever pass through the pipe, never a file.
final class ArchiveFeed: Sendable {
    /// zstd's stdin; the spawner closes it in this process once the child has it.
    let readEnd: Int32
    private let outcome = Mutex<Outcome>(Outcome())
    private let done = DispatchGroup()

    private struct Outcome {
        var sha256 = ""
        var bytes: Int64 = 0
        var failure: (any Error)?
        /// zstd stopped reading: the cause is on the other side of the pipe.
        var brokenPipe = false
    }

    static let chunk = 1 << 20

    /// Starts feeding `source`; the key is checked before anything starts.
    init(_ source: ArchiveSource, keys: ArchiveKeyring) throws {
        try source.checkKey(in: keys)
        let input = open(source.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw ArchiveError.io("open \(source.path)", errno) }
        let (readEnd, writeEnd): (Int32, Int32)
        do {
            (readEnd, writeEnd) = try PipedProcess.pipe()
        } catch {
            close(input)
            throw error
        }
        self.readEnd = readEnd
        _ = PipedProcess.ignoreSIGPIPE
        done.enter()
        Blocking.startThread(name: "geofleet-archive-feed") { [self] in
            defer { done.leave() }
            var result = Outcome()
            do {
                (result.sha256, result.bytes) = try Self.feed(input, source: source, keys: keys, to: writeEnd)
            } catch {
                result.failure = error
                if let failure = error as? ArchiveError, case .io(_, let code) = failure, code == EPIPE { result.brokenPipe = true }
            }
            close(input)
            close(writeEnd)
            outcome.withLock { $0 = result }
        }
    }

    private static func feed(_ input: Int32, source: ArchiveSource, keys: ArchiveKeyring, to output: Int32) throws -> (String, Int64) {
        var hasher = SHA256()
        var opener = source.encryption.map {
            ArchiveOpener(label: source.label, keys: keys, expectedKeyID: $0.keyId, expectedChunkBytes: $0.chunkBytes)
        }
        var buffer = [UInt8](repeating: 0, count: chunk)
        var total: Int64 = 0
        let forward: (UnsafeRawBufferPointer) throws -> Void = { try writeAll(output, $0, to: "zstd -d") }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, chunk) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ArchiveError.io("read \(source.path)", errno)
            }
            if n == 0 { break }
            total += Int64(n)
            try buffer.withUnsafeBytes { raw in
                let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                hasher.update(bufferPointer: bytes)
                if opener != nil { try opener!.consume(bytes, plaintext: forward) } else { try forward(bytes) }
            }
        }
        try opener?.finish(plaintext: forward)
        return (hasher.finalize().map { String(format: "%02x", $0) }.joined(), total)
    }

    /// Waits for the feed; the failure that explains the others first (a failed authentication
    /// before the decompressor's complaint about its cut-off input), nil when it fed everything.
    var failure: (any Error)? {
        done.wait()
        return outcome.withLock { $0.brokenPipe ? nil : $0.failure }
    }

    /// Waits; the hash and size of the file, or why it could not be fed.
    func finish() throws -> (sha256: String, bytes: Int64) {
        done.wait()
        let result = outcome.withLock { $0 }
        if let failure = result.failure { throw failure }
        return (result.sha256, result.bytes)
    }
}
