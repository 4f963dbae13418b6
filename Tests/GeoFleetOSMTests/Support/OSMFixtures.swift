import Foundation
import GeoFleetPlatform

/// The OpenStreetMap extracts in `fixtures/osm/` (© OpenStreetMap contributors, ODbL).
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
import Foundation
import GeoFleetPlatform
