import Foundation
import GeoFleetTestSupport
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOSSL
import Synchronization

/// A WebSocket client of `/api/stream` for tests: collects every text message it receives.
final class TestStreamClient: Sendable {
    /// What the connection's task shares with the test (Mutex is not copyable, so it lives in a class).
    final class Shared: Sendable {
        let received = Mutex<[String]>([])
        let closing = Mutex<Bool>(false)
        let ended = Mutex<Bool>(false)
    }

    private let shared = Shared()
    private let task: Task<Void, any Error>

    /// With `tls`, the stream is opened over `wss://localhost` with that client configuration.
    init(port: Int, query: String = "", token: String, tls: TLSConfiguration? = nil) {
        var configuration = WebSocketClientConfiguration()
        configuration.additionalHeaders = [.authorization: "Bearer \(token)"]
        let shared = self.shared
        task = Task {
            defer { shared.ended.withLock { $0 = true } }
            try await WebSocketClient.connect(
                url: "\(tls == nil ? "ws://127.0.0.1" : "wss://localhost"):\(port)/api/stream\(query.isEmpty ? "" : "?" + query)",
                configuration: configuration, tlsConfiguration: tls, logger: testLogger("ws-client")
            ) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            guard case .text(let text) = message else { continue }
                            shared.received.withLock { $0.append(text) }
                        }
                    }
                    group.addTask {
                        while !shared.closing.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// Every message so far (`event`, `room`, `seq`, `resume`, `data`).
    var messages: [[String: Any]] {
        shared.received.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Messages of one event kind.
    func events(_ kind: String) -> [[String: Any]] { messages.filter { $0["event"] as? String == kind } }

    /// Waits until `condition` holds over the messages (or the timeout passes); returns whether it did.
    func waitUntil(timeout: Duration = .seconds(10), _ condition: ([[String: Any]]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(messages) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(messages)
    }

    /// True once the connection has ended (the server closed it, or `close()` finished).
    var isEnded: Bool { shared.ended.withLock { $0 } }

    func close() async {
        shared.closing.withLock { $0 = true }
        _ = await task.result
    }
}
