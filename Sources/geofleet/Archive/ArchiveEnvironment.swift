import Foundation
import GeoFleetApp
import GeoFleetArchive
import GeoFleetCore
import Logging

/// What every archive subcommand starts from: the GEOFLEET_* configuration and the archive context.
struct ArchiveEnvironment {
    let configuration: GeoFleetConfiguration
    let context: ArchiveContext

    static func load() async throws -> ArchiveEnvironment {
        let configuration = try GeoFleetConfiguration.fromEnvironment()
        var logger = Logger(label: "geofleet.archive")
        logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["GEOFLEET_LOG_LEVEL"] ?? "warning") ?? .warning
        let endpoint = try await OperatorDatabase.endpoint(configuration, logger: logger)
        return ArchiveEnvironment(
            configuration: configuration,
            context: try ArchiveSetup.context(configuration.archive, endpoint: endpoint, logger: logger))
    }

    /// Prints a progress line at once (the CLI's output is often piped).
    static func say(_ line: String) {
        print(line)
        fflush(nil)
    }
}

/// Parses `--from`/`--to`: an ISO 8601 instant, or a date (whole UTC day; as `--to` it includes that day).
enum ArchiveDateArgument {
    static func parse(_ text: String, endOfDay: Bool) throws -> Int64 {
        guard let ms = UTCTime.parseISO8601(text) else { throw ArchiveCLIError("not a date: \(text) (use 2026-10-01 or 2026-10-01T00:00:00Z)") }
        return endOfDay && text.count == 10 ? ms + 86_400_000 : ms
    }
}

/// A CLI failure with a message and exit code 1.
struct ArchiveCLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
