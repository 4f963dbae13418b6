import Glibc

/// Why an append or a spool operation failed.
public enum SpoolError: Error, CustomStringConvertible {
    /// Too many bytes are waiting for PostGIS; the append was refused.
    case full(pendingBytes: Int64, limit: Int64)
    /// A system call failed; for appends nothing of the affected group is durable.
    case io(operation: String, errno: Int32)
    /// The spool was closed.
    case closed
    /// The payload exceeds `Spool.maxPayloadBytes`.
    case payloadTooLarge(Int)

    public var description: String {
        switch self {
        case let .full(pending, limit):
            return "spool full: \(pending) bytes pending, limit \(limit)"
        case let .io(operation, code):
            return "spool I/O error in \(operation): \(String(cString: strerror(code))) (errno \(code))"
        case .closed:
            return "spool closed"
        case let .payloadTooLarge(size):
            return "spool payload too large: \(size) bytes (limit \(Spool.maxPayloadBytes))"
        }
    }
}
