import Foundation
import GeoFleetPlatform

/// Locates `fixtures/osm/` in the repository.
enum OSMFixtures {
    /// Absolute path of `fixtures/osm/<name>`; fails the calling test when it cannot be found.
    static func path(_ name: String, filePath: String = #filePath) throws -> String {
        guard let url = RepositoryRoot.file("fixtures/osm/" + name, near: filePath) else {
            throw FixtureMissing(name: name)
        }
        return url.path
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
        url = FileManager.default.temporaryDirectory.appendingPathComponent("geofleet-osm-\(UUIDString.random())")
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
