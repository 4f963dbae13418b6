import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One POST of an event to a webhook; answers what happened without throwing.
struct WebhookSender: Sendable {
    enum Outcome: Sendable, Equatable {
        case delivered(status: Int)
        /// Not delivered: a status outside 2xx, a timeout, a refused connection; the text says which.
        case rejected(String)
    }

    let httpClient: HTTPClient
    let configuration: WebhookConfiguration

    /// What is kept of a refusing receiver's body in `last_error`.
    static let errorSnippetBytes = 256

    /// Thrown when a whole attempt outlasts `requestTimeout`.
    struct TimedOut: Error {}

    /// One attempt under one deadline: the client's own deadline stops at the response head, and a
    /// receiver that drips its body must not hold a delivery slot for longer.
    func send(_ delivery: DueDelivery) async -> Outcome {
        let timeout = configuration.requestTimeout
        do {
            return try await withThrowingTaskGroup(of: Outcome.self) { group in
                group.addTask { await post(delivery) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw TimedOut()
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .rejected("no outcome")
            }
        } catch is TimedOut {
            return .rejected("no complete answer within \(timeout)")
        } catch {
            return .rejected(String(describing: error))
        }
    }

    private func post(_ delivery: DueDelivery) async -> Outcome {
        let body = Array(delivery.event.json.utf8)
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "GeoFleet-Webhooks/1")
        request.headers.add(name: "X-GeoFleet-Event-Id", value: delivery.event.id.uuidString.lowercased())
        request.headers.add(name: "X-GeoFleet-Event", value: delivery.event.type)
        request.headers.add(name: "X-GeoFleet-Signature", value: WebhookSignature.header(secret: delivery.secret, body: body))
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await httpClient.execute(request, timeout: configuration.requestTimeout.timeAmount)
            // Read (capped) so the connection can be reused; only a snippet is kept, for the error text.
            var read = 0
            var snippet: [UInt8] = []
            for try await chunk in response.body {
                read += chunk.readableBytes
                if snippet.count < Self.errorSnippetBytes {
                    snippet += chunk.readableBytesView.prefix(Self.errorSnippetBytes - snippet.count)
                }
                if read >= configuration.responseBodyLimit { break }
            }
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return .delivered(status: status) }
            // Control bytes (NUL above all: text columns refuse it) become spaces.
            let text = String(decoding: snippet.map { $0 < 0x20 || $0 == 0x7F ? 0x20 : $0 }, as: UTF8.self).trimmingCharacters(
                in: .whitespacesAndNewlines)
            return .rejected("HTTP \(status)" + (text.isEmpty ? "" : ": \(text)"))
        } catch {
            return .rejected(String(describing: error))
        }
    }
}
