import Foundation
import GeoFleetFuzz
import GeoFleetCore
import GeoFleetPlatform
import Testing

/// Real device frames by name from `fixtures/<protocol>/<protocol>.json` (every file lists `frames` with `name` and `hex`).
enum FixtureFrames {
    static func bytes(_ file: String, _ name: String) throws -> [UInt8] {
        let url = try #require(RepositoryRoot.file("fixtures/\(file)/\(file).json"))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let frames = try #require(root["frames"] as? [[String: Any]])
        let frame = try #require(frames.first { $0["name"] as? String == name }, "no frame \(name) in \(file).json")
        let hex = try #require(frame["hex"] as? String)
        return try #require([UInt8](hex: hex))
    }
}

