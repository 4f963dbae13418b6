import Foundation
import GeoFleetCore
import GeoFleetLive
import Hummingbird
import HummingbirdWebSocket

/// `GET /api/stream` (WebSocket): the caller's `fleet_gps_update` and `fleet_status_change` events,
/// for all their vehicles (room `user_{userId}`) or one (`?vehicleId=`, room `fleet_{vehicleId}`).
///
/// Every message carries `resume`: reconnecting with `?resume=<it>` replays what was missed in the
/// last minutes. GPS updates are coalesced to one per vehicle per second.
struct StreamRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.ws("stream", shouldUpgrade: shouldUpgrade, onUpgrade: stream)
    }

    /// Checked before the upgrade, so that a bad request gets an HTTP error with a message.
    @Sendable func shouldUpgrade(request: Request, context: APIRequestContext) async throws -> RouterShouldUpgrade {
        let user = try context.requireUser()
        _ = try await Self.parameters(request, user: user, deps: deps)
        guard deps.streamSlots.hasRoom(for: user.id) else {
            throw APIError(
                .tooManyRequests, "at most \(deps.streamSlots.perUser) streams may be open at once; close one first",
                headers: [.retryAfter: "5"])
        }
        // Without the upgrade headers the route would answer an empty 200: say what is expected instead.
        guard request.headers[.upgrade]?.lowercased() == "websocket" else {
            throw APIError(
                .init(code: 426, reasonPhrase: "Upgrade Required"), "/api/stream is a WebSocket: send Upgrade: websocket",
                headers: [.upgrade: "websocket"])
        }
        // A token offered as a subprotocol (the console's) is answered with that protocol, or the browser drops the socket.
        return .upgrade(AuthMiddleware.webSocketToken(request.headers) == nil ? [:] : [.secWebSocketProtocol: AuthMiddleware.webSocketProtocol])
    }

    struct Parameters {
        var vehicleID: UUID?
        var resume: UInt64?
    }

    static func parameters(_ request: Request, user: APIUser, deps: FleetAPIDependencies) async throws -> Parameters {
        let q = request.uri.queryParameters
        var parameters = Parameters()
        if let raw = q.get("vehicleId") {
            let id = try Validate.uuid(raw, field: "vehicleId")
            guard try await deps.store.vehicle(id: id, userID: user.id) != nil else { throw APIError.notFound("vehicle not found") }
            parameters.vehicleID = id
        }
        if let raw = q.get("resume") {
            guard let r = UInt64(raw) else { throw APIError.badRequest("resume must be the `resume` value of the last message received") }
            parameters.resume = r
        }
        return parameters
    }

    /// What the send loop reacts to.
    enum Input: Sendable {
        case event(FleetEvent)
        case tick
        case ended
        /// The token the stream was opened with has expired.
        case expired
    }

    @Sendable func stream(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, context: WebSocketRouterContext<APIRequestContext>)
        async throws
    {
        guard let user = context.requestContext.user else { return }
        // The upgrade check is advisory (two upgrades may race); the slot taken here is the real cap.
        guard deps.streamSlots.acquire(user.id) else {
            try await outbound.close(.policyViolation, reason: "too many streams open")
            return
        }
        defer { deps.streamSlots.release(user.id) }
        let parameters = try await Self.parameters(context.request, user: user, deps: deps)
        let hub = deps.events
        let subscription = hub.subscribe(userID: user.id, vehicleID: parameters.vehicleID, after: parameters.resume)
        let room = parameters.vehicleID.map { "fleet_\($0.uuidString.lowercased())" } ?? "user_\(user.id)"
        let now = deps.now
        var coalescer = GPSCoalescer()

        func send(_ event: FleetEvent) async throws {
            try await outbound.write(.text(event.message(room: room, resume: coalescer.resumePoint)))
        }

        // Until the backlog is through, the safe resume point is the client's own; without one (or when
        // it was too old) the client starts from now.
        let resumed = parameters.resume != nil && subscription.resumed
        try await outbound.write(
            .text(
                Self.hello(
                    room: room, resumed: parameters.resume == nil || subscription.resumed,
                    resume: resumed ? parameters.resume! : subscription.startSequence)))
        // The backlog: every status change, and each vehicle's newest position.
        let latestGPS = Dictionary(subscription.backlog.filter { $0.kind == .gpsUpdate }.map { ($0.vehicleID, $0.sequence) }, uniquingKeysWith: max)
        for event in subscription.backlog where event.kind != .gpsUpdate || latestGPS[event.vehicleID] == event.sequence {
            _ = coalescer.offer(event, now: now())
            try await send(event)
        }

        let (inputs, input) = AsyncStream.makeStream(of: Input.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in subscription.events { input.yield(.event(event)) }
                input.yield(.ended)
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: .milliseconds(200))
                    input.yield(.tick)
                }
            }
            if let expiresAt = user.expiresAt {
                // A stream must not outlive its token: the client reconnects with a fresh one.
                let left = expiresAt.timeIntervalSince1970 * 1000 - Double(now())
                let remaining = left.isFinite ? Int64(max(0, min(left, 366 * 86_400_000))) : 0
                group.addTask {
                    try await Task.sleep(for: .milliseconds(remaining))
                    input.yield(.expired)
                }
            }
            group.addTask {
                // The client's frames are not commands; reading them notices the close.
                for try await _ in inbound {}
                input.yield(.ended)
            }
            loop: for await next in inputs {
                switch next {
                case .event(let event):
                    if let ready = coalescer.offer(event, now: now()) { try await send(ready) }
                case .tick:
                    for ready in coalescer.due(now: now()) { try await send(ready) }
                case .ended:
                    break loop
                case .expired:
                    try await outbound.close(.policyViolation, reason: "token expired")
                    break loop
                }
            }
            group.cancelAll()
        }
    }

    static func hello(room: String, resumed: Bool, resume: UInt64) -> String {
        var w = JSONWriter(capacity: 96 + room.utf8.count)
        w.beginObject()
        w.key("event")
        w.string("stream_ready")
        w.key("room")
        w.string(room)
        w.key("resumed")
        w.bool(resumed)
        w.key("resume")
        w.number(resume)
        w.endObject()
        return w.text
    }
}
