import ArgumentParser
import GeoFleetArchive

/// `geofleet archive verify`: reads every archive back against its manifest.
struct ArchiveVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check every archive against its manifest (SHA-256, rows, vehicles, times).")

    func run() async throws {
        let env = try await ArchiveEnvironment.load()
        let results = try await ArchiveVerifier(context: env.context).verifyAll { ArchiveEnvironment.say($0) }
        let bad = results.filter { $0.problem != nil }
        ArchiveEnvironment.say(
            "summary: archives=\(results.count) ok=\(results.count - bad.count) failed=\(bad.count) rows=\(results.reduce(0) { $0 + $1.rows })")
        if !bad.isEmpty { throw ExitCode(1) }
    }
}
