import Foundation
import GeoFleetPlatform

/// The outcome of checking one archive against its manifest.
public struct ArchiveVerification: Sendable {
    public var partition: String
    public var rows: Int
    /// nil when the archive matches its manifest.
    public var problem: String?
}

/// `geofleet archive verify`: reads every archive back (hash, every sealed chunk's tag, full decode)
/// against its manifest.
public struct ArchiveVerifier: Sendable {
    public let context: ArchiveContext

    public init(context: ArchiveContext) {
        self.context = context
    }

    public func verifyAll(progress: (@Sendable (String) -> Void)? = nil) async throws -> [ArchiveVerification] {
        let directory = context.directory
        let keys = context.keys
        let manifests = try await Blocking.onThreadPool { try directory.manifests() }
        var results: [ArchiveVerification] = []
        for (index, manifest) in manifests.enumerated() {
            var result = ArchiveVerification(partition: manifest.partition, rows: manifest.rows, problem: nil)
            do {
                let stats = try await Blocking.onThreadPool { try ArchiveReader.stats(manifest: manifest, directory: directory, keys: keys) }
                try stats.check(against: manifest)
            } catch {
                result.problem = "\(error)"
                context.logger.error("archive verification failed", metadata: ["partition": "\(manifest.partition)", "error": "\(error)"])
            }
            let sealed = manifest.encryption.map { ", key '\($0.keyId)'" } ?? ", plaintext"
            progress?("[\(index + 1)/\(manifests.count)] \(manifest.partition): \(result.problem ?? "ok (\(manifest.rows) rows\(sealed))")")
            results.append(result)
        }
        return results
    }
}
