import Foundation
import GeoFleetPlatform

/// A fresh directory under the system temp dir, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let url: URL
    public var path: String { url.path }

    /// `geofleet-<prefix>-<UUID>` under the temp dir.
    public init(prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("geofleet-\(prefix)-\(UUIDString.random())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to `name` in the directory and returns its path.
    public func write(_ bytes: [UInt8], to name: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Runs `body` with the path of a fresh temporary directory (`geofleet-<prefix>-<UUID>`), removed afterwards.
public func withTemporaryDirectory<R>(prefix: String, _ body: (String) async throws -> R) async throws -> R {
    let directory = try TemporaryDirectory(prefix: prefix)
    defer { directory.remove() }
    return try await body(directory.path)
}

/// Reads a whole (small) file as bytes.
public func fileBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}
