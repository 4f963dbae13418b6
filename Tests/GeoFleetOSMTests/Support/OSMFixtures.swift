import Foundation

/// Locates `fixtures/osm/` from this source file's path, like GeoFleetFuzz's FixtureLocator
/// (not imported: this test target depends on GeoFleetOSM only).
enum OSMFixtures {
    /// Absolute path of `fixtures/osm/<name>`; fails the calling test when it cannot be found.
    static func path(_ name: String, filePath: String = #filePath) throws -> String {
        guard let directory = directory(near: filePath) else {
            throw FixtureMissing(name: name)
        }
        let path = directory.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw FixtureMissing(name: name)
        }
        return path
    }

    /// The `fixtures/osm` directory of the package holding `filePath`. The path is tried as given
    /// and with symlinks resolved, so a scratch package that links the test folder also finds it.
    static func directory(near filePath: String) -> URL? {
        let start = URL(fileURLWithPath: filePath)
        for candidate in [start, start.resolvingSymlinksInPath()] {
            var url = candidate.deletingLastPathComponent()
            while url.path != "/" && !url.path.isEmpty {
                let fixtures = url.appendingPathComponent("fixtures/osm")
                if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
                   FileManager.default.fileExists(atPath: fixtures.path) {
                    return fixtures
                }
                url.deleteLastPathComponent()
            }
        }
        return nil
    }

    struct FixtureMissing: Error, CustomStringConvertible {
        var name: String
        var description: String { "fixtures/osm/\(name) not found above the test sources" }
    }
}

/// A fresh directory under the system temp dir, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("geofleet-osm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to `name` in the directory and returns its path.
    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Reads a whole (small) file as bytes.
func fileBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}
