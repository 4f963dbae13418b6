import Foundation

/// Random UUID strings, for names that must not collide (scratch directories, test ids).
public enum UUIDString {
    /// A new random UUID, upper-case with hyphens (36 characters).
    public static func random() -> String {
        UUID().uuidString
    }

    /// The first 8 characters of a new random UUID: for paths that must stay short (Unix socket paths
    /// under them are limited to 107 bytes).
    public static func short() -> String {
        String(UUID().uuidString.prefix(8))
    }
}
