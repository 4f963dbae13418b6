import Foundation

/// Finds the repository's `fixtures/` directory from a test source file's path, so tests read the real
/// frames, extracts and keys where they are kept instead of from a copied resource bundle.
public enum FixtureLocator {
    /// `fixtures/<relativePath>` of the package that contains `filePath`, or nil when it does not exist.
    public static func file(_ relativePath: String, near filePath: String = #filePath) -> URL? {
        guard let directory = directory(near: filePath) else { return nil }
        let url = directory.appendingPathComponent(relativePath)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// The `fixtures/` directory beside the nearest `Package.swift` above `filePath`. The path is tried as
    /// given and with symlinks resolved, so a scratch package that links a test folder also finds it.
    public static func directory(near filePath: String = #filePath) -> URL? {
        let start = URL(fileURLWithPath: filePath)
        for candidate in [start, start.resolvingSymlinksInPath()] {
            var url = candidate.deletingLastPathComponent()
            while url.path != "/" && !url.path.isEmpty {
                let fixtures = url.appendingPathComponent("fixtures")
                if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
                   FileManager.default.fileExists(atPath: fixtures.path) {
                    return fixtures
                }
                url.deleteLastPathComponent()
            }
        }
        return nil
    }
}
