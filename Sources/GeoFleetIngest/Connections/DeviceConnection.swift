import GeoFleetCore
import GeoFleetPostGIS
import Logging
import NIOCore

/// A device's TCP connection as its session sees it: the shared intake steps plus the socket.
struct DeviceConnection: Sendable {
    let channel: any Channel
    var intake: DeviceIntake

    var metrics: DeviceMetrics { intake.metrics }
    var pipeline: IngestPipeline { intake.pipeline }
    var logger: Logger {
        get { intake.logger }
        set { intake.logger = newValue }
    }

    func send(_ bytes: [UInt8]) {
        channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
    }

    func close() {
        channel.close(promise: nil)
    }

    /// A frame that framed but whose message is garbage: count it, log it with `what` names it, close.
    func closeAfterUndecodable(_ error: any Error, _ what: Logger.Metadata) {
        metrics.closedGarbage.increment()
        logger.warning("closing connection after undecodable packet", metadata: what.merging(["error": "\(error)"]) { $1 })
        close()
    }

    mutating func identify(_ uniqueID: String) async -> DeviceIntake.Identification {
        await intake.identify(uniqueID)
    }

    /// Makes fixes durable and calls `answer` while the device's binding still holds (see `DeviceIntake.store`).
    func store(_ fixes: [DeviceFix], for device: DeviceBinding, answer: (IngestOutcome) -> Void = { _ in }) async -> IngestOutcome? {
        await intake.store(fixes, for: device, answer: answer)
    }

    /// Sends an acknowledgement of durable records and records its latency since `started`.
    func acknowledge(_ bytes: [UInt8], since started: ContinuousClock.Instant) {
        send(bytes)
        intake.acknowledged(since: started)
    }
}
