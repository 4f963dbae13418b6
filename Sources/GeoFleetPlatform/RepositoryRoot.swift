import Foundation

/// Finds files of this repository (`fixtures/`, `scripts/`) from a source file's path, so that tests and
/// tools read them where they are kept instead of from copied resource bundles.
public enum RepositoryRoot {
    /// The nearest folder above `filePath` that holds `Package.swift` and `fixtures/`. The path is tried
    /// as given, then with symlinks resolved: a scratch package that links a source folder has a
    /// `Package.swift` of its own but no fixtures, and is passed over.
    public static func find(near filePath: String = #filePath) -> URL? {
        let start = URL(fileURLWithPath: filePath)
        for candidate in [start, start.resolvingSymlinksInPath()] {
            var url = candidate.deletingLastPathComponent()
            while url.path != "/" && !url.path.isEmpty {
                if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
                    FileManager.default.fileExists(atPath: url.appendingPathComponent("fixtures").path)
                {
                    return url
                }
                url.deleteLastPathComponent()
            }
        }
        return nil
    }

    /// `<root>/<relativePath>` when it exists.
    public static func file(_ relativePath: String, near filePath: String = #filePath) -> URL? {
        guard let root = find(near: filePath) else { return nil }
        let url = root.appendingPathComponent(relativePath)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}
