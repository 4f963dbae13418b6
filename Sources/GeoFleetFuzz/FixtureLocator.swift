import Foundation

/// Finds the repository's `fixtures/` directory from a source file's path, so tests read the real
/// frames where they are kept instead of from a copied resource bundle.
public enum FixtureLocator {
    /// `fixtures/<relativePath>` of the package that contains `filePath`, or nil when it does not exist.
    public static func file(_ relativePath: String, near filePath: String = #filePath) -> URL? {
        guard let directory = directory(near: filePath) else { return nil }
        let url = directory.appendingPathComponent(relativePath)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// The `fixtures/` directory beside the nearest `Package.swift` above `filePath`.
    public static func directory(near filePath: String = #filePath) -> URL? {
        var url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while url.path != "/" {
            let candidate = url.appendingPathComponent("fixtures")
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
               FileManager.default.fileExists(atPath: candidate.path) {
                return candidate
            }
            url.deleteLastPathComponent()
        }
        return nil
    }
}
