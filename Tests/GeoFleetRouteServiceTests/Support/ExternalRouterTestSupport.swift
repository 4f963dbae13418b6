import AsyncHTTPClient
import Foundation
import GeoFleetCore
import GeoFleetRouteService
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One client for all these tests, configured as production should be (no connect retries); never shut
/// down, as it lives as long as the test process.
let testHTTPClient = HTTPClient(
    eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
    configuration: ExternalRouter.httpClientConfiguration(timeout: testPatience))

/// The timeout of calls that are not about timeouts: long, because other suites (graph contraction, fuzzing)
/// can hold both cores for many seconds while these run.
let testPatience = Duration.seconds(120)

/// A clock the test moves by hand, as the breaker's `now`.
final class ManualClock: Sendable {
    private let now = Mutex(Duration.zero)
    var elapsed: Duration { now.withLock { $0 } }
    func advance(_ d: Duration) { now.withLock { $0 += d } }
}

/// Two Monaco points about 1 km apart (the Rocher tunnel and Place du Casino): the route between them is
/// 1.4–1.5 km in osrm-routed's answer for the shared extract.
let monacoRocher = GeoPoint(latitude: 43.7311, longitude: 7.4197)
let monacoCasino = GeoPoint(latitude: 43.7396, longitude: 7.4275)
/// Mediterranean, about 100 km south-east of Monaco: no road anywhere near.
let openSea = GeoPoint(latitude: 43.0, longitude: 8.5)

/// `count` points on a grid over central Monaco and Beausoleil, row by row.
func monacoGrid(_ count: Int, columns: Int = 15) -> [GeoPoint] {
    let rows = (count + columns - 1) / columns
    return (0..<count).map { i in
        let r = Double(i / columns), c = Double(i % columns)
        return GeoPoint(
            latitude: 43.7270 + 0.0200 * r / Double(max(1, rows - 1)),
            longitude: 7.4120 + 0.0260 * c / Double(max(1, columns - 1)))
    }
}

/// A TCP listener on 127.0.0.1 that never answers: the kernel completes the handshake from the backlog and
/// the request bytes sit unread, which is what a hung server looks like to a client.
final class BlackHoleListener: Sendable {
    let port: Int
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        self.fd = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }
}

/// What a canned server saw of one request.
struct RecordedRequest: Sendable {
    var method: String
    var uri: String
    var contentType: String?
    var body: String

    /// The body as a JSON object (the Valhalla requests are objects).
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            throw POSIXError(.EINVAL)
        }
        return object
    }
}

/// How a canned server answers one request.
enum CannedReply: Sendable {
    case json(status: Int, String)
    case text(status: Int, contentType: String, String)
    /// Sends a head promising a body, then nothing: AsyncHTTPClient's own deadline stops at the head.
    case headThenStall
}

/// A tiny HTTP/1.1 server on 127.0.0.1 (SwiftNIO) that answers with `respond` and records every request,
/// standing in for a Valhalla service (none runs here) and for a broken proxy.
final class CannedHTTPServer: Sendable {
    private let channel: any Channel
    private let state = Mutex<(requests: [RecordedRequest], children: [any Channel])>(([], []))
    private let respond: @Sendable (RecordedRequest) -> CannedReply

    var port: Int { channel.localAddress?.port ?? 0 }
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [RecordedRequest] { state.withLock { $0.requests } }

    init(respond: @escaping @Sendable (RecordedRequest) -> CannedReply) async throws {
        self.respond = respond
        let box = ServerBox()
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline()
                    try child.pipeline.syncOperations.addHandler(CannedHandler(server: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        box.server.withLock { $0 = self }
    }

    func shutdown() async {
        let children = state.withLock { $0.children }
        for child in children { try? await child.close() }
        try? await channel.close()
    }

    fileprivate func record(_ request: RecordedRequest) -> CannedReply {
        state.withLock { $0.requests.append(request) }
        return respond(request)
    }

    fileprivate func adopt(_ child: any Channel) { state.withLock { $0.children.append(child) } }
}

/// Lets the handlers reach the server that was still being built when the bootstrap was configured.
private final class ServerBox: Sendable {
    let server = Mutex<CannedHTTPServer?>(nil)
}

private final class CannedHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: ServerBox
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(server: ServerBox) { self.server = server }

    func channelActive(context: ChannelHandlerContext) {
        server.server.withLock { $0 }?.adopt(context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(h):
            head = h
            body.clear()
        case var .body(chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head, let server = server.server.withLock({ $0 }) else { return }
            let request = RecordedRequest(
                method: head.method.rawValue, uri: head.uri,
                contentType: head.headers.first(name: "content-type"),
                body: String(buffer: body))
            switch server.record(request) {
            case let .json(status, text):
                write(context, status: status, contentType: "application/json", text)
            case let .text(status, contentType, text):
                write(context, status: status, contentType: contentType, text)
            case .headThenStall:
                var headers = HTTPHeaders()
                headers.add(name: "content-type", value: "application/json")
                headers.add(name: "content-length", value: "100")
                context.writeAndFlush(
                    wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                    promise: nil)
            }
        }
    }

    private func write(_ context: ChannelHandlerContext, status: Int, contentType: String, _ text: String) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: String(text.utf8.count))
        context.write(
            wrapOutboundOut(
                .head(
                    HTTPResponseHead(
                        version: .http1_1, status: .init(statusCode: status),
                        headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
