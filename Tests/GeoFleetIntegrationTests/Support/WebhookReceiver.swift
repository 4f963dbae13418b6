import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// A webhook receiver on 127.0.0.1 for the event tests: `/hook` answers 503 while `down`, else 200,
/// and records every accepted POST (headers and exact body) and how many it refused; `/stall` never
/// finishes its answer.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var eventID: String
        var type: String
        var signature: String
        var contentType: String
        var body: [UInt8]
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    private struct State {
        var down: Bool
        var refused = 0
        /// POSTs to `/stall`.
        var stalled = 0
        var stopping = false
        var accepted: [Delivery] = []
    }

    private let recorder: Recorder
    private let task: Task<Void, any Error>
    let port: Int

    var url: String { "http://127.0.0.1:\(port)/hook" }

    private init(recorder: Recorder, task: Task<Void, any Error>, port: Int) {
        self.recorder = recorder
        self.task = task
        self.port = port
    }

    static func start(down: Bool = false) async throws -> WebhookReceiver {
        let recorder = Recorder(down: down)
        // Stopping by cancellation makes Hummingbird log errors: nothing to see for these tests.
        var quiet = Logger(label: "test.webhook-receiver")
        quiet.logLevel = .critical
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            return recorder.record(request: request, body: Array(body.readableBytesView))
        }
        // `/stall`: a 200 head, one body byte, then nothing until the receiver stops.
        router.post("/stall") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            recorder.state.withLock { $0.stalled += 1 }
            return Response(
                status: .ok,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "{"))
                    while !recorder.state.withLock({ $0.stopping }) { try await Task.sleep(for: .milliseconds(50)) }
                    try await writer.finish(nil)
                })
        }
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: quiet)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var port = 0
        for await p in portStream {
            port = p
            break
        }
        return WebhookReceiver(recorder: recorder, task: task, port: port)
    }

    func setDown(_ down: Bool) { recorder.state.withLock { $0.down = down } }
    var refused: Int { recorder.state.withLock { $0.refused } }
    var accepted: [Delivery] { recorder.state.withLock { $0.accepted } }
    var stalled: Int { recorder.state.withLock { $0.stalled } }
    /// The URL whose answer never completes.
    var stallURL: String { "http://127.0.0.1:\(port)/stall" }

    func stop() async {
        recorder.state.withLock { $0.stopping = true }
        task.cancel()
        _ = try? await task.value
    }

    /// Polls until `accepted` has `count` deliveries (or the timeout passes); returns what it has then.
    func waitForAccepted(_ count: Int, timeout: Duration = .seconds(30)) async throws -> [Delivery] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let accepted = self.accepted
            if accepted.count >= count { return accepted }
            try await Task.sleep(for: .milliseconds(50))
        }
        return accepted
    }

    /// What `X-GeoFleet-Signature` must be for `body` under `secret`, computed here independently.
    static func expectedSignature(secret: String, body: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + Data(mac).map { String(format: "%02x", $0) }.joined()
    }

    /// The state shared with the router's closure (which exists before the receiver does).
    private final class Recorder: Sendable {
        let state: Mutex<State>
        init(down: Bool) { state = Mutex(State(down: down)) }

        func record(request: Request, body: [UInt8]) -> Response {
            let delivery = Delivery(
                eventID: request.headers[HTTPField.Name("X-GeoFleet-Event-Id")!] ?? "",
                type: request.headers[HTTPField.Name("X-GeoFleet-Event")!] ?? "",
                signature: request.headers[HTTPField.Name("X-GeoFleet-Signature")!] ?? "",
                contentType: request.headers[.contentType] ?? "", body: body)
            let down = state.withLock { state -> Bool in
                if state.down {
                    state.refused += 1
                    return true
                }
                state.accepted.append(delivery)
                return false
            }
            return Response(status: down ? .serviceUnavailable : .ok)
        }
    }
}
