import Foundation
import GeoFleetApp
import Testing

/// README.md carries the configuration table rendered from the variables' declarations.
@Suite struct ConfigurationTableTests {
    static let begin = "<!-- configuration:begin -->\n"
    static let end = "<!-- configuration:end -->"

    static func readme() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    }

    @Test func readmeTableMatchesTheDeclaredVariables() throws {
        let readme = try Self.readme()
        let start = try #require(readme.range(of: Self.begin), "README.md has no \(Self.begin)")
        let stop = try #require(readme.range(of: Self.end, range: start.upperBound..<readme.endIndex), "README.md has no \(Self.end)")
        let documented = String(readme[start.upperBound..<stop.lowerBound])
        let expected = GeoFleetConfiguration.markdownTable()
        #expect(documented == expected, "README.md's configuration table is stale; replace it with (`geofleet config`):\n\(expected)")
    }

    @Test func everyVariableIsInTheTableOnce() {
        let names = GeoFleetConfiguration.markdownTable().split(separator: "\n").dropFirst(2).map { $0.split(separator: "`")[1] }
        #expect(names.count == Set(names).count)
        #expect(names.allSatisfy { $0.hasPrefix("GEOFLEET_") })
    }
}
