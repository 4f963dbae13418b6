import GeoFleetCore
import GeoFleetPostGIS
import Logging

/// The steps every device protocol shares, whatever its transport: identifying the device and
/// making its fixes durable, with the protocol's metrics and a logger tagged with the device.
struct DeviceIntake: Sendable {
    let directory: DeviceDirectory
    let pipeline: IngestPipeline
    let metrics: DeviceMetrics
    var logger: Logger

    /// The result of looking a device's unique id up.
    enum Identification {
        case known(DeviceBinding)
        /// Bound to no vehicle (and auto-registration is off).
        case unknown
        /// The directory could not answer (database down): refuse for now, the device retries.
        case unavailable
    }

    /// Resolves the device; logs and counts refusals. Tags later log lines with the device id.
    mutating func identify(_ uniqueID: String) async -> Identification {
        logger[metadataKey: "device"] = "\(uniqueID)"
        do {
            guard let binding = try await directory.resolve(uniqueID) else {
                metrics.closedUnknown.increment()
                logger.info("refused device bound to no vehicle")
                return .unknown
            }
            logger.debug("device identified")
            return .known(binding)
        } catch {
            metrics.closedUnavailable.increment()
            logger.warning("device lookup failed", metadata: ["error": "\(String(reflecting: error))"])
            return .unavailable
        }
    }

    /// Makes fixes durable; nil when they are not (the caller must then not acknowledge them).
    func store(_ fixes: [DeviceFix], for device: DeviceBinding) async -> IngestOutcome? {
        do {
            return try await pipeline.ingest(fixes, from: device)
        } catch {
            metrics.notDurable.increment()
            logger.warning("records not durable; not acknowledged", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Counts an acknowledgement of durable records and its latency since `started`.
    func acknowledged(since started: ContinuousClock.Instant) {
        metrics.acknowledged.increment()
        metrics.ackLatency.record(duration: ContinuousClock.now - started)
    }
}
