import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `zstd -3` child compressing whatever is written to it into `output`. Blocking: use from a
/// thread of its own or `Blocking.onThreadPool`.
struct ZstdCompressor {
    private let process: PipedProcess
    private let input: Int32
    private let errPath: String

    init(output: String) throws {
        let (readEnd, writeEnd) = try PipedProcess.pipe()
        errPath = output + ".zstd.err"
        do {
            process = try PipedProcess.spawn(
                "zstd", ArchivePipelines.compressArguments + ["-o", output], stdin: .fd(readEnd), stdout: .devNull, stderrPath: errPath)
        } catch {
            close(readEnd)
            close(writeEnd)
            throw error
        }
        close(readEnd)
        input = writeEnd
        _ = PipedProcess.ignoreSIGPIPE
    }

    /// Writes all of `bytes` (a dead zstd surfaces as EPIPE).
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try writeAll(input, bytes, to: "zstd")
    }

    /// Ends the input and waits for zstd; throws with its stderr when it failed. `failure` (what
    /// went wrong on our side, if anything) wins over zstd's own status.
    func finish(after failure: (any Error)? = nil) throws {
        close(input)
        let status = process.wait()
        defer { unlink(errPath) }
        if let failure { throw failure }
        guard status == 0 else {
            throw ArchiveError.command("zstd", "exit \(status): \((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")")
        }
    }
}
