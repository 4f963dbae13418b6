import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetTestSupport
import Testing

/// Real device frames by name from the fixture files (every file lists `frames` with `name` and `hex`).
enum FixtureFrames {
    /// A frame of `fixtures/<protocol>/<protocol>.json`.
    static func bytes(_ file: String, _ name: String) throws -> [UInt8] {
        try bytes(path: "\(file)/\(file).json", name)
    }

    /// A frame of `fixtures/<path>`.
    static func bytes(path: String, _ name: String) throws -> [UInt8] {
        let url = try #require(RepositoryRoot.file("fixtures/" + path))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let frames = try #require(root["frames"] as? [[String: Any]])
        let frame = try #require(frames.first { $0["name"] as? String == name }, "no frame \(name) in \(path)")
        let hex = try #require(frame["hex"] as? String)
        return try #require([UInt8](hex: hex))
    }
}
