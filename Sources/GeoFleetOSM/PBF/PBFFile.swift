import Foundation

/// A read-only file read with positioned reads (`pread`), so several reads of the same file,
/// even concurrent ones, share one descriptor without a shared file position.
final class PBFFile: Sendable {
    let path: String
    let size: Int
    private let descriptor: Int32

    init(path: String) throws(PBFError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw PBFError.cannotOpen(path: path, reason: Self.lastError())
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = Self.lastError()
            close(descriptor)
            throw PBFError.cannotOpen(path: path, reason: reason)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw PBFError.cannotOpen(path: path, reason: "not a regular file")
        }
        self.path = path
        self.size = Int(status.st_size)
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Reads exactly `buffer.count` bytes at `offset`.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(PBFError) {
        var done = 0
        while done < buffer.count {
            let count = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if count > 0 {
                done += count
            } else if count == 0 {
                throw PBFError.readFailed(offset: offset + done, reason: "unexpected end of file (was the file truncated while reading?)")
            } else if errno != EINTR {
                throw PBFError.readFailed(offset: offset + done, reason: Self.lastError())
            }
        }
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
