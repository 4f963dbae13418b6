#if canImport(Glibc)
import Glibc
#endif

/// Writes all of `bytes` to `fd`, across short writes and interruptions (a closed pipe is EPIPE,
/// `PipedProcess.ignoreSIGPIPE` having made it an error rather than a signal).
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, to what: String) throws {
    var done = 0
    while done < bytes.count {
        let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
        if n < 0 {
            if errno == EINTR { continue }
            throw ArchiveError.io("write to \(what)", errno)
        }
        done += n
    }
}
