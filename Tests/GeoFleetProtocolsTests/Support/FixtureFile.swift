import Foundation
import GeoFleetFuzz
import GeoFleetPlatform
import GeoFleetTestSupport

/// Decodes a JSON file under `fixtures/`; a missing or malformed fixture stops the tests with the reason.
enum FixtureFile {
    static func load<T: Decodable>(_ type: T.Type, _ relativePath: String) -> T {
        guard let url = RepositoryRoot.file("fixtures/" + relativePath) else { fatalError("fixtures/\(relativePath) missing") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
        } catch {
            fatalError("fixtures/\(relativePath) malformed: \(error)")
        }
    }
}
