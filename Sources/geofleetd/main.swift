import Foundation
import GeoFleetApp
import Logging
import Metrics
import Prometheus
#if canImport(Glibc)
import Glibc
#endif

// geofleetd: the GeoFleet server. Configuration comes from GEOFLEET_* variables (CONTRACT.md).
// Spool, archives and the JWT secret hold tenants' data: nothing this process creates is for other users.
umask(0o077)
LoggingSystem.bootstrap { label in
    var handler = DeferredMetadataLogHandler(StreamLogHandler.standardError(label: label))
    handler.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["GEOFLEET_LOG_LEVEL"] ?? "info") ?? .info
    return handler
}
let registry = PrometheusCollectorRegistry()
MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
let logger = Logger(label: "geofleetd")

do {
    let configuration = try GeoFleetConfiguration.fromEnvironment()
    let engine = try await GeoFleetEngine.start(
        configuration: configuration, logger: logger,
        metricsText: {
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return String(decoding: buffer, as: UTF8.self)
        })
    try await engine.run(handleSignals: true)
    logger.info("geofleetd stopped")
} catch {
    logger.critical("geofleetd failed", metadata: ["error": "\(error)"])
    exit(1)
}
