import Foundation
import GeoFleetCore
import GeoFleetPlatform
import Logging

/// What `geofleet archive rekey` did.
public struct ArchiveRekeySummary: Sendable {
    public var keyID = ""
    public var rewritten: [String] = []
    public var alreadyCurrent = 0
    /// Bytes of the rewritten archives' new files.
    public var bytes: Int64 = 0
    public var seconds = 0.0
}

/// `geofleet archive rekey`: rewrites every archive not sealed with the current (first) key, plaintext
/// ones included, as a new generation under it (`ArchiveRewriter`: read back, manifest replaced
/// atomically, old file removed). Afterwards the older keys can leave the key file.
public struct ArchiveRekeyer: Sendable {
    public let context: ArchiveContext
    public var progress: (@Sendable (String) -> Void)?

    public init(context: ArchiveContext) {
        self.context = context
    }

    public func run() async throws -> ArchiveRekeySummary {
        guard let current = context.keys.current else {
            throw ArchiveError.keyFile("archive rekey needs GEOFLEET_ARCHIVE_KEY_FILE: its first key is the one archives are rewritten under")
        }
        let started = ContinuousClock.now
        let result = try await context.withArchiveLock(waitSeconds: 600) { _ in
            try await rekeyLocked(to: current.id)
        }
        guard var summary = result else { throw ArchiveError.mismatch("the archive lock stayed busy; try again") }
        summary.seconds = (ContinuousClock.now - started).seconds
        context.logger.info(
            "archives rekeyed",
            metadata: [
                "key": "\(summary.keyID)", "rewritten": "\(summary.rewritten.count)", "bytes": "\(summary.bytes)",
                "seconds": "\(summary.seconds)",
            ])
        return summary
    }

    private func rekeyLocked(to keyID: String) async throws -> ArchiveRekeySummary {
        let directory = context.directory
        let keys = context.keys
        var summary = ArchiveRekeySummary(keyID: keyID)
        let manifests = try await Blocking.onThreadPool { try directory.manifests() }
        let due = manifests.filter { $0.encryption?.keyId != keyID }
        summary.alreadyCurrent = manifests.count - due.count
        progress?("archive rekey: \(due.count) of \(manifests.count) archive(s) not under key '\(keyID)'")
        for (index, manifest) in due.enumerated() {
            let from = manifest.encryption.map { "key '\($0.keyId)'" } ?? "plaintext"
            let began = ContinuousClock.now
            let (next, _) = try await Blocking.onThreadPool {
                try ArchiveRewriter.rewrite(manifest, erasing: [:], in: directory, keys: keys, appliedAt: WallClock.nowMilliseconds())
            }
            summary.rewritten.append(manifest.partition)
            summary.bytes += next.compressedBytes
            context.logger.info(
                "archive rekeyed", metadata: ["partition": "\(manifest.partition)", "from": "\(from)", "generation": "\(next.generation)"])
            progress?(
                "[\(index + 1)/\(due.count)] \(manifest.partition): \(from) -> key '\(keyID)', \(next.rows) rows, "
                    + "\(next.compressedBytes) bytes, verified (\(String(format: "%.2f", (ContinuousClock.now - began).seconds)) s)")
        }
        return summary
    }
}
