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
    /// The id this connection (or datagram, or request) holds its binding lease under.
    let connectionID: UInt64
    /// Closes the connection when its binding changes (nil: nothing stays open to close).
    let onRevoke: (@Sendable () -> Void)?
    /// Told when the device identified itself (ends the handshake deadline).
    let onIdentified: (@Sendable () -> Void)?

    init(
        directory: DeviceDirectory, pipeline: IngestPipeline, metrics: DeviceMetrics, logger: Logger,
        onRevoke: (@Sendable () -> Void)? = nil, onIdentified: (@Sendable () -> Void)? = nil
    ) {
        self.directory = directory
        self.pipeline = pipeline
        self.metrics = metrics
        self.logger = logger
        self.connectionID = directory.connectionID()
        self.onRevoke = onRevoke
        self.onIdentified = onIdentified
    }

    /// The result of looking a device's unique id up.
    enum Identification {
        case known(DeviceBinding)
        /// Bound to no vehicle (and auto-registration is off).
        case unknown
        /// The directory could not answer (database down, or the binding is being changed): refuse
        /// for now, the device retries.
        case unavailable
    }

    /// Resolves the device; logs and counts refusals. Tags later log lines with the device id.
    mutating func identify(_ uniqueID: String) async -> Identification {
        logger[metadataKey: "device"] = "\(uniqueID)"
        do {
            switch try await directory.lease(uniqueID, connection: connectionID, onRevoke: onRevoke) {
            case .bound(let binding):
                logger.debug("device identified")
                onIdentified?()
                return .known(binding)
            case .unknown:
                metrics.closedUnknown.increment()
                // A flood of random ids must not flood the log: one line per interval, the rest at debug.
                if let suppressed = directory.unknownLog.take() {
                    logger.info("refused device bound to no vehicle", metadata: ["suppressedSinceLastLine": "\(suppressed)"])
                } else {
                    logger.debug("refused device bound to no vehicle")
                }
                return .unknown
            case .changing:
                metrics.closedUnavailable.increment()
                logger.info("refused device while its binding changes")
                return .unavailable
            case .busy:
                metrics.closedUnavailable.increment()
                logger.debug("refused device: too many device lookups waiting")
                return .unavailable
            }
        } catch {
            metrics.closedUnavailable.increment()
            logger.warning("device lookup failed", metadata: ["error": "\(String(reflecting: error))"])
            return .unavailable
        }
    }

    /// Makes fixes durable, then calls `answer` (which sends the acknowledgement) while the binding
    /// still holds; nil when they are not durable (nothing may be acknowledged), also when the device's
    /// binding changed since it identified.
    func store(_ fixes: [DeviceFix], for device: DeviceBinding, answer: (IngestOutcome) -> Void = { _ in }) async -> IngestOutcome? {
        do {
            guard
                let outcome = try await directory.admitting(
                    connection: connectionID, binding: device,
                    {
                        let outcome = try await pipeline.ingest(fixes, from: device)
                        answer(outcome)
                        return outcome
                    })
            else {
                metrics.notDurable.increment()
                logger.info("device binding changed; records not stored nor acknowledged")
                return nil
            }
            return outcome
        } catch {
            metrics.notDurable.increment()
            logger.warning("records not durable; not acknowledged", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Forgets this connection's lease; call once the connection, datagram or request is done.
    func finished() {
        directory.release(connectionID)
    }

    /// Counts an acknowledgement of durable records and its latency since `started`.
    func acknowledged(since started: ContinuousClock.Instant) {
        metrics.acknowledged.increment()
        metrics.ackLatency.record(duration: ContinuousClock.now - started)
    }
}
