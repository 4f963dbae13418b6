import GeoFleetCore
import GeoFleetProtocols
import GeoFleetTLS
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import Metrics
import NIOCore
import ServiceLifecycle

/// Answers OsmAnd / Traccar Client requests on any path: 200 once every location is durable,
/// 400 with the reason for a bad request, 413 for an oversized body, 503 when nothing can be
/// made durable now (the app keeps its buffer and retries).
struct OsmAndResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let directory: DeviceDirectory
    let pipeline: IngestPipeline
    let metrics: DeviceMetrics
    let logger: Logger

    func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .get || request.method == .post else {
            return Self.text(.methodNotAllowed, "OsmAnd: use GET or POST")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: OsmAnd.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            metrics.corrupt.increment()
            return Self.text(.contentTooLarge, "OsmAnd: body larger than \(OsmAnd.maxBodyBytes) bytes")
        }
        let contentType = request.headers[.contentType]
        let reports: [OsmAndReport]
        do {
            reports = try OsmAnd.parse(
                method: request.method.rawValue, query: request.uri.query ?? "", contentType: contentType,
                body: Array(buffer: body), now: pipeline.currentTime())
        } catch {
            metrics.corrupt.increment()
            logger.info("bad OsmAnd request", metadata: ["protocol": "osmand", "error": "\(error)"])
            return Self.text(.badRequest, "\(error)")
        }
        let started = ContinuousClock.now
        var intake = DeviceIntake(directory: directory, pipeline: pipeline, metrics: metrics, logger: logger)
        defer { intake.finished() }
        // A batch normally holds one device's stored locations; group in case it does not.
        var order: [String] = []
        var byDevice: [String: [DeviceFix]] = [:]
        for report in reports {
            if byDevice[report.deviceID] == nil { order.append(report.deviceID) }
            byDevice[report.deviceID, default: []].append(report.fix)
        }
        for id in order {
            switch await intake.identify(id) {
            case .known(let device):
                guard await intake.store(byDevice[id] ?? [], for: device) != nil else {
                    return Self.text(.serviceUnavailable, "OsmAnd: locations could not be stored; retry", retryAfter: true)
                }
            case .unknown:
                // Traccar answers 404 to the JSON client and 400 to the query form; keep both for compatibility.
                let json = contentType?.lowercased().hasPrefix("application/json") ?? false
                return Self.text(json ? .notFound : .badRequest, "OsmAnd: unknown device id \(id)")
            case .unavailable:
                return Self.text(.serviceUnavailable, "OsmAnd: device directory unavailable; retry", retryAfter: true)
            }
        }
        intake.acknowledged(since: started)
        return Response(status: .ok)
    }

    static func text(_ status: HTTPResponse.Status, _ message: String, retryAfter: Bool = false) -> Response {
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
        if retryAfter { headers[.retryAfter] = "5" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}

/// The OsmAnd / Traccar Client HTTP listener (Traccar's port 5055).
public final class OsmAndServer: Service, Sendable {
    private let application: Application<OsmAndResponder>
    private let portSignal: PortSignal

    /// - Parameters:
    ///   - requestTimeout: a connection must deliver each whole request within this long of opening or of
    ///     the previous response (`GEOFLEET_OSMAND_REQUEST_SECONDS`): slowloris and idle keep-alive are cut.
    ///   - connections: the connection caps shared with the other device listeners.
    ///   - tls: set, the listener speaks HTTPS with its current certificate.
    public init(
        host: String, port: Int, directory: DeviceDirectory, pipeline: IngestPipeline,
        requestTimeout: TimeAmount = .seconds(10), connections: ConnectionLimiter = ConnectionLimiter(), tls: TLSCredentials? = nil,
        logger: Logger
    ) {
        let metrics = DeviceMetrics(protocolName: "osmand")
        let signal = PortSignal()
        portSignal = signal
        let refusals = LogSampler()
        application = Application(
            responder: OsmAndResponder(directory: directory, pipeline: pipeline, metrics: metrics, logger: logger),
            server: HTTPServerBuilder { responder in
                let http1 = HTTP1Channel(
                    responder: responder,
                    configuration: .init(additionalChannelHandlers: [
                        ConnectionCapHandler(limiter: connections, protocolName: "osmand", sampler: refusals, logger: logger),
                        RequestDeadlineHandler(
                            timeout: requestTimeout, start: .connectionAndResponse,
                            closed: Counter(
                                label: "geofleet_device_connections_closed_total",
                                dimensions: [("protocol", "osmand"), ("reason", "request_timeout")]),
                            logger: logger),
                    ]))
                guard let tls else { return http1 }
                // The handshake counts against the request deadline, as on the device ports.
                return TLSChildChannel(
                    http1, credentials: tls, listener: "osmand_tls", handshakeTimeout: min(requestTimeout, TLSCredentials.handshakeTimeout))
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "geofleet-osmand"),
            onServerRunning: { channel in
                signal.set(channel.localAddress?.port ?? 0)
                logger.info(
                    "device listener ready",
                    metadata: [
                        "protocol": "osmand", "transport": "\(tls == nil ? "http" : "tls")",
                        "address": "\(channel.localAddress.map { "\($0)" } ?? "?")",
                    ])
            },
            logger: logger)
    }

    /// The bound port, once the server listens (port 0 in tests picks a free one).
    public func port() async -> Int { await portSignal.wait() }

    public func run() async throws {
        try await application.run()
    }
}
