import AsyncHTTPClient
import Foundation
import GeoFleetCore
import NIOCore
import NIOHTTP1

/// One HTTP exchange with an external router, shared by `OSRMClient` and `ValhallaClient`: breaker permit,
/// request, one deadline over the whole exchange, body, decoding, and the outcome handed back to the breaker.
struct ExternalHTTP: Sendable {
    /// What came back: status and the whole body.
    struct Reply: Sendable {
        var status: Int
        var body: ByteBuffer

        /// The start of the body, for error messages (a proxy's HTML page can be long).
        var snippet: String {
            let bytes = body.getBytes(at: body.readerIndex, length: min(body.readableBytes, 512)) ?? []
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    let httpClient: HTTPClient
    let timeout: Duration
    let breaker: CircuitBreaker?
    /// A 1000×1000 OSRM table is about 20 MB of JSON: anything larger is not an answer we asked for.
    let maxBodyBytes: Int

    init(httpClient: HTTPClient, timeout: Duration, breaker: CircuitBreaker?, maxBodyBytes: Int = 32 << 20) {
        self.httpClient = httpClient
        self.timeout = timeout
        self.breaker = breaker
        self.maxBodyBytes = maxBodyBytes
    }

    /// Sends `request` and decodes the reply with `decode`, which sees every status (error bodies carry
    /// the service's reason). Throws `ExternalRouterError`, or `CancellationError` when the calling task
    /// was cancelled.
    func exchange<T: Sendable>(
        _ request: HTTPClientRequest,
        decode: (Reply) throws(ExternalRouterError) -> T
    ) async throws -> T {
        let permit = try breaker?.acquire()
        let reply: Reply
        do {
            reply = try await send(request)
        } catch let error as ExternalRouterError {
            if let permit { breaker?.record(permit, error == .timeout ? .timeout : .failure, result: Self.label(error)) }
            throw error
        } catch {
            // Only the caller's cancellation gets here: it says nothing about the service.
            if let permit { breaker?.record(permit, .ignored, result: "cancelled") }
            throw error
        }
        // 5xx and 429: the service is there but failing or overloaded, so back off whatever the body says.
        if reply.status >= 500 || reply.status == 429 {
            if let permit { breaker?.record(permit, .failure, result: reply.status == 429 ? "http_429" : "http_5xx") }
            throw ExternalRouterError.http(status: reply.status, body: reply.snippet)
        }
        do {
            let value = try decode(reply)
            if let permit { breaker?.record(permit, .success, result: "ok") }
            return value
        } catch {
            if let permit {
                switch error {
                case .noRoute:
                    breaker?.record(permit, .success, result: "no_route")
                case _ where (200..<300).contains(reply.status):
                    // A 200 we cannot read is a broken service (or something else on that port).
                    breaker?.record(permit, .failure, result: "bad_response")
                default:
                    // The service answered and refused the request (4xx): it is healthy.
                    breaker?.record(permit, .success, result: "rejected")
                }
            }
            throw error
        }
    }

    /// How long after the deadline the backstop fires: AsyncHTTPClient's own deadline must win when it can,
    /// because for a request still waiting for a connection it reports the connect error (refused: a
    /// transport failure), where the backstop could only say "timeout".
    static let backstopGrace: Duration = .milliseconds(100)

    /// The request and its body under one deadline. AsyncHTTPClient's deadline stops at the response head,
    /// so a server that sends a head and then stalls would hang `collect`: a sleep races the whole exchange.
    private func send(_ request: HTTPClientRequest) async throws -> Reply {
        let client = httpClient
        let timeout = timeout
        let maxBodyBytes = maxBodyBytes
        let result: Reply?
        do {
            result = try await withThrowingTaskGroup(of: Reply?.self) { group in
                group.addTask {
                    let response = try await client.execute(request, deadline: .now() + Self.timeAmount(timeout))
                    let body = try await response.body.collect(upTo: maxBodyBytes)
                    return Reply(status: Int(response.status.code), body: body)
                }
                group.addTask {
                    try await Task.sleep(for: timeout + Self.backstopGrace)
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw Self.map(error)
        }
        if Task.isCancelled { throw CancellationError() }
        guard let result else { throw ExternalRouterError.timeout }
        return result
    }

    /// AsyncHTTPClient's and NIO's errors as ours: anything that is not a timeout or an oversized body is a
    /// transport failure (refused, reset, closed early, TLS).
    static func map(_ error: any Error) -> ExternalRouterError {
        if let error = error as? ExternalRouterError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .connectTimeout, .readTimeout, .writeTimeout, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout:
                return .timeout
            default:
                return .transport(String(describing: error))
            }
        }
        if error is NIOTooManyBytesError { return .badResponse("response body over the size limit") }
        return .transport(String(describing: error))
    }

    static func label(_ error: ExternalRouterError) -> String {
        switch error {
        case .timeout: "timeout"
        case .breakerOpen: CircuitBreaker.breakerOpenResult
        case .http: "http_error"
        case .noRoute: "no_route"
        case .badResponse: "bad_response"
        case .transport: "transport"
        }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// A JSON body decoded, or `.badResponse` naming what did not fit.
    static func decodeJSON<T: Decodable>(_ type: T.Type, from reply: Reply) throws(ExternalRouterError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(reply.body.readableBytesView))
        } catch {
            throw .badResponse("HTTP \(reply.status), unexpected body (\(error)): \(reply.snippet)")
        }
    }

    /// Coordinates are checked here: NaN or out-of-range values would print as text the service rejects.
    static func validate(_ points: [GeoPoint]) throws(ExternalRouterError) {
        for p in points where !(p.latitude.isFinite && p.longitude.isFinite && abs(p.latitude) <= 90 && abs(p.longitude) <= 180) {
            throw .badResponse("invalid coordinate (\(p.latitude), \(p.longitude))")
        }
    }

    /// The base URL without a trailing slash, so paths can be appended as they are.
    static func trimmed(_ baseURL: String) -> String {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
