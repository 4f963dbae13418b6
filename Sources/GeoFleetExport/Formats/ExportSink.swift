import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A buffered writer to a file descriptor (an export file, or standard output for the CLI) that
/// counts the bytes it wrote. Not thread-safe: one exporter thread owns it.
public final class ExportSink {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let capacity = 256 * 1024
    /// Bytes handed to the sink so far.
    public private(set) var bytes: Int64 = 0

    /// Writes to `fd`; the caller keeps it open and closes it.
    public init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(capacity)
    }

    func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    func write(_ data: [UInt8]) throws {
        try data.withUnsafeBytes { try write($0) }
    }

    func write(_ raw: UnsafeRawBufferPointer) throws {
        bytes += Int64(raw.count)
        buffer.append(contentsOf: raw)
        if buffer.count >= capacity { try flush() }
    }

    /// Writes what is buffered.
    public func flush() throws {
        var done = 0
        try buffer.withUnsafeBytes { raw in
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ExportError.io("write", errno)
                }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
