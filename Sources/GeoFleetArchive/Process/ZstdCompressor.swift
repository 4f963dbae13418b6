import Foundation
import GeoFleetPlatform
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A `zstd -3` child compressing whatever is written to it into `output`; with a key, zstd's output
/// comes back through a pipe and is sealed here (`ArchiveSealer`) on its way into the file, so no
/// plaintext reaches the disk. Blocking: use from a thread of its own or `Blocking.onThreadPool`.
struct ZstdCompressor {
    private let process: PipedProcess
    private let input: Int32
    private let errPath: String
    private let sealing: SealingDrain?

    init(output: String, sealWith key: ArchiveKeyring.Entry? = nil) throws {
        let (readEnd, writeEnd) = try PipedProcess.pipe()
        errPath = output + ".zstd.err"
        var drain: SealingDrain?
        var stdout: PipedProcess.Stream = .devNull
        var arguments = ArchivePipelines.compressArguments + ["-o", output]
        if let key {
            do {
                let started = try SealingDrain(output: output, key: key)
                drain = started
                stdout = .fd(started.pipeWriteEnd)
                arguments = ArchivePipelines.compressArguments + ["-c"]
            } catch {
                close(readEnd)
                close(writeEnd)
                throw error
            }
        }
        do {
            process = try PipedProcess.spawn("zstd", arguments, stdin: .fd(readEnd), stdout: stdout, stderrPath: errPath)
        } catch {
            close(readEnd)
            close(writeEnd)
            drain?.abandon()
            throw error
        }
        close(readEnd)
        drain?.childStarted()
        input = writeEnd
        sealing = drain
        _ = PipedProcess.ignoreSIGPIPE
    }

    /// Writes all of `bytes` (a dead zstd surfaces as EPIPE).
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try writeAll(input, bytes, to: "zstd")
    }

    /// Ends the input and waits for zstd (and the sealing); throws with its stderr when it failed.
    /// `failure` (what went wrong on our side, if anything) wins over zstd's own status.
    func finish(after failure: (any Error)? = nil) throws {
        close(input)
        let status = process.wait()
        let sealed = sealing?.finish()
        defer { unlink(errPath) }
        if let failure { throw failure }
        // A failed drain (a full disk) explains zstd's broken pipe.
        if let sealed { try sealed.get() }
        guard status == 0 else {
            throw ArchiveError.command("zstd", "exit \(status): \((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")")
        }
    }
}

/// Reads zstd's stdout from a pipe, seals it and writes the sealed file (created 0600), on a thread
/// of its own.
private final class SealingDrain: Sendable {
    let pipeWriteEnd: Int32
    private let file: Int32
    private let result = Mutex<Result<Void, any Error>>(.success(()))
    private let done = DispatchGroup()

    init(output: String, key: ArchiveKeyring.Entry) throws {
        let file = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard file >= 0 else { throw ArchiveError.io("create \(output)", errno) }
        let ends: (read: Int32, write: Int32)
        do {
            ends = try PipedProcess.pipe()
        } catch {
            close(file)
            throw error
        }
        self.file = file
        pipeWriteEnd = ends.write
        done.enter()
        Blocking.startThread(name: "geofleet-archive-seal") { [self] in
            defer { done.leave() }
            let outcome = Result { try Self.drain(ends.read, into: file, output: output, key: key) }
            close(ends.read)
            close(file)
            result.withLock { $0 = outcome }
        }
    }

    private static func drain(_ input: Int32, into file: Int32, output: String, key: ArchiveKeyring.Entry) throws {
        var sealer = ArchiveSealer(keyID: key.id, key: key.key)
        var buffer = [UInt8](repeating: 0, count: ArchiveFeed.chunk)
        let emit: (UnsafeRawBufferPointer) throws -> Void = { try writeAll(file, $0, to: output) }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ArchiveError.io("read zstd output", errno)
            }
            if n == 0 { break }
            try buffer.withUnsafeBytes { try sealer.write(UnsafeRawBufferPointer(rebasing: $0[0..<n]), emit: emit) }
        }
        try sealer.finish(emit: emit)
    }

    /// zstd holds the write end now; ours must go, or the drain never sees the end.
    func childStarted() { close(pipeWriteEnd) }

    /// zstd never started: end the drain.
    func abandon() {
        close(pipeWriteEnd)
        done.wait()
    }

    /// Waits for the drain.
    func finish() -> Result<Void, any Error> {
        done.wait()
        return result.withLock { $0 }
    }
}
