import ArgumentParser
import Foundation
import GeoFleetApp
import GeoFleetPostGIS
import GeoFleetTracking
import Logging

/// `geofleet eta-report`: the deals' predicted arrivals against the actual ones, by distance band.
struct ETAReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eta-report", abstract: "How far the deals' ETAs were from the arrivals, by distance left when predicted.",
        discussion: "Predictions are taken at departure from the pickup and at each quarter of the way; arrival is entering the delivery fence.")

    func run() async throws {
        let configuration = try GeoFleetConfiguration.fromEnvironment()
        var logger = Logger(label: "geofleet.eta-report")
        logger.logLevel = .warning
        let endpoint = try await OperatorDatabase.endpoint(configuration, logger: logger)
        let rows = try await OperatorDatabase.withClient(endpoint, logger: logger) { client in
            try await ETAReport.rows(client: client, logger: logger)
        }
        print("band          predictions  bias_min  mean_abs_min  p50_abs_min  p90_abs_min")
        for r in rows {
            print(
                r.band.padding(toLength: 14, withPad: " ", startingAt: 0)
                    + String(
                        format: "%11d  %8.1f  %12.1f  %11.1f  %11.1f", r.predictions, r.biasMinutes,
                        r.meanAbsoluteMinutes, r.p50AbsoluteMinutes, r.p90AbsoluteMinutes))
        }
        print("summary: \(rows.reduce(0) { $0 + $1.predictions }) predictions with an arrival in \(rows.count) band(s)")
    }
}
