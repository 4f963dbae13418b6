import ArgumentParser
import Foundation
import GeoFleetCommandLine
import GeoFleetRouting

/// `geofleet routing build FILE.osm.pbf`: reads the extract natively and writes one contracted graph per profile.
struct RoutingBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build road graphs from an .osm.pbf into <data dir>/routing/<extract>/<profile>.graph.")

    @Argument(help: "The OpenStreetMap extract (.osm.pbf).") var extract: String
    @Option(help: "Comma-separated profiles: car, van, rigid, articulated.") var profiles: String = "car,van,rigid,articulated"
    @Option(help: "Data directory (default: GEOFLEET_DATA_DIR or ./.geofleet).")
    var dataDir: String = ProcessInfo.processInfo.environment["GEOFLEET_DATA_DIR"] ?? "./.geofleet"
    @Flag(help: "No progress display, only the summary.") var quiet = false

    func run() throws {
        let selected = try parseProfiles(profiles)
        guard FileManager.default.fileExists(atPath: extract) else { throw ValidationError("\(extract) does not exist") }
        let directory = GraphDirectory(dataDir: dataDir, extractPath: extract)
        let started = ContinuousClock.now
        let interactive = isatty(1) == 1 && !quiet
        var lastLine = ""
        var lastPrint = ContinuousClock.now - .seconds(1)
        let result = try directory.build(profiles: selected) { name, progress in
            guard !quiet else { return }
            let line: String
            switch progress.phase {
            case .ways, .nodes:
                let percent = progress.totalBytes > 0 ? 100 * progress.bytesRead / progress.totalBytes : 0
                line = "reading \(extract): \(progress.phase.rawValue) \(percent)%"
            case .contraction:
                let percent = progress.total > 0 ? 100 * progress.done / progress.total : 0
                line = "\(name): contracting \(percent)% (\(progress.done)/\(progress.total) nodes)"
            case .graph:
                line = "\(name): turn graph"
            case .writing:
                line = "\(name): writing"
            }
            // One line per change on a terminal (rewritten in place), at most twice a second in a log.
            let now = ContinuousClock.now
            guard line != lastLine, interactive || now - lastPrint >= .milliseconds(500) || progress.phase == .writing else { return }
            lastLine = line
            lastPrint = now
            if interactive {
                FileHandle.standardOutput.write(Data(("\r\u{1B}[2K" + line).utf8))
            } else {
                print(line)
            }
        }
        if interactive { print("") }
        let total = (ContinuousClock.now - started)
        print("read \(extract) in \(String(format: "%.2f", result.readSeconds)) s")
        print("profile      ways    vertices     edges  directed     turns  shortcuts  restr.  seconds        bytes")
        for report in result.reports {
            let s = report.summary
            let name = report.profile.name.padding(toLength: 11, withPad: " ", startingAt: 0)
            print(
                name
                    + String(
                        format: "%6d %11d %9d %9d %9d %10d %7d %8.2f %12d",
                        s.roadWays, s.roadVertices, s.edges, s.directedNodes, s.turns, s.shortcuts,
                        s.restrictionsApplied, report.seconds, report.fileBytes
                    ))
        }
        print(
            "total \(String(format: "%.2f", Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18)) s, peak RSS \(String(format: "%.0f", peakRSSMiB())) MiB, graphs in \(directory.path)"
        )
    }
}
