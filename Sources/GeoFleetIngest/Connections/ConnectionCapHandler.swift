import Logging
import Metrics
import NIOCore

/// First in a connection's pipeline: takes a `ConnectionLimiter` slot when the connection opens and
/// closes it at once when a cap is reached. A refused connection's open and close are not passed on,
/// so the handlers after it never see it.
final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let limiter: ConnectionLimiter
    private let refused: Counter
    private let sampler: LogSampler
    private let logger: Logger
    private var ip: String?

    init(limiter: ConnectionLimiter, protocolName: String, sampler: LogSampler, logger: Logger) {
        self.limiter = limiter
        self.refused = Counter(
            label: "geofleet_device_connections_closed_total", dimensions: [("protocol", protocolName), ("reason", "connection_limit")])
        self.sampler = sampler
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let ip = context.remoteAddress?.ipAddress ?? "?"
        guard limiter.acquire(ip) else {
            refused.increment()
            if let suppressed = sampler.take() {
                logger.warning(
                    "refusing connection: connection cap reached",
                    metadata: [
                        "remote": "\(ip)", "maxConnections": "\(limiter.maxConnections)", "maxPerIP": "\(limiter.maxPerIP)",
                        "suppressed": "\(suppressed)",
                    ])
            }
            context.close(promise: nil)
            return
        }
        self.ip = ip
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        guard let ip else { return }
        self.ip = nil
        limiter.release(ip)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if let ip {
            self.ip = nil
            limiter.release(ip)
        }
    }
}
