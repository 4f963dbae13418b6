import ArgumentParser
import Foundation
import GeoFleetArchive

/// `geofleet archive rekey`: every archive under the key file's first key.
struct ArchiveRekeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rekey", abstract: "Rewrite every archive not under the first key of GEOFLEET_ARCHIVE_KEY_FILE (plaintext ones too).",
        discussion: "Each is written as a new generation, read back and verified before its manifest is replaced; "
            + "afterwards the older keys can be removed from the key file.")

    func run() async throws {
        let env = try await ArchiveEnvironment.load()
        var rekeyer = ArchiveRekeyer(context: env.context)
        rekeyer.progress = { ArchiveEnvironment.say($0) }
        let summary = try await rekeyer.run()
        ArchiveEnvironment.say(
            "summary: key=\(summary.keyID) rewritten=\(summary.rewritten.count) already_current=\(summary.alreadyCurrent) "
                + "bytes=\(summary.bytes) seconds=\(String(format: "%.2f", summary.seconds))")
    }
}
