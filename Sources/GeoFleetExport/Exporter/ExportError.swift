import Foundation

/// Why an export failed.
public enum ExportError: Error, CustomStringConvertible, Sendable {
    case io(String, Int32)
    case database(String)
    case cancelled

    public var description: String {
        switch self {
        case .io(let what, let code): "\(what): \(String(cString: strerror(code)))"
        case .database(let message): "database: \(message)"
        case .cancelled: "cancelled"
        }
    }
}
