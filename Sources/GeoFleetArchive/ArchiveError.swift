import Foundation

/// Why an archive step failed, in words an operator can act on.
public enum ArchiveError: Error, CustomStringConvertible {
    case command(String, String)
    case io(String, Int32)
    case corrupt(String)
    case mismatch(String)
    case injected(ArchiveStep)
    case notFound(String)
    /// An unusable `GEOFLEET_ARCHIVE_KEY_FILE` (the message names the line, never key material).
    case keyFile(String)
    /// An encrypted archive whose key is not in the key file.
    case missingKey(archive: String, keyID: String)

    public var description: String {
        switch self {
        case .command(let cmd, let detail): "\(cmd) failed: \(detail)"
        case .io(let what, let code): "\(what): \(String(cString: strerror(code)))"
        case .corrupt(let detail): "archive is corrupt: \(detail)"
        case .mismatch(let detail): "archive does not match: \(detail)"
        case .injected(let step): "fault injected at \(step.rawValue)"
        case .notFound(let what): "\(what) not found"
        case .keyFile(let detail): detail
        case .missingKey(let archive, let keyID):
            "archive \(archive) is encrypted with key '\(keyID)', which GEOFLEET_ARCHIVE_KEY_FILE does not hold"
        }
    }
}
