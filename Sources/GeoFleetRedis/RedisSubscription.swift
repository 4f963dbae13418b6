import Foundation
import Logging
import Synchronization

/// A Redis pub/sub subscription kept alive on a thread of its own: it reconnects after any failure
/// (with backoff) and subscribes again, and says so through `onSubscribed`, so the caller can re-read
/// what it may have missed while the connection was down.
public final class RedisSubscription: Sendable {
    private let channels: [String]
    private let connect: @Sendable () throws -> RedisConnection
    private let onSubscribed: @Sendable (_ reconnected: Bool) -> Void
    private let onMessage: @Sendable (_ channel: String, _ payload: String) -> Void
    private let logger: Logger
    private let state = Mutex<(stopped: Bool, current: RedisConnection?)>((false, nil))
    private let finished = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - onSubscribed: after every successful `SUBSCRIBE`; `reconnected` is false the first time.
    ///   - onMessage: each message, on the subscription's thread, in the order Redis sent them.
    public init(
        channels: [String], logger: Logger, connect: @escaping @Sendable () throws -> RedisConnection,
        onSubscribed: @escaping @Sendable (_ reconnected: Bool) -> Void,
        onMessage: @escaping @Sendable (_ channel: String, _ payload: String) -> Void
    ) {
        self.channels = channels
        self.connect = connect
        self.onSubscribed = onSubscribed
        self.onMessage = onMessage
        self.logger = logger
    }

    /// Starts the subscription's thread; returns at once.
    public func start() {
        let thread = Thread { [self] in
            loop()
            finished.signal()
        }
        thread.name = "geofleet-redis-subscription"
        thread.start()
    }

    /// Stops the thread and waits (briefly) for it to end.
    public func stop() {
        let current = state.withLock { s -> RedisConnection? in
            s.stopped = true
            return s.current
        }
        current?.interrupt()
        _ = finished.wait(timeout: .now() + 5)
    }

    private var stopped: Bool { state.withLock { $0.stopped } }

    private func loop() {
        var subscribedBefore = false
        var delay = 0.1
        while !stopped {
            do {
                let connection = try connect()
                let proceed = state.withLock { s -> Bool in
                    if s.stopped { return false }
                    s.current = connection
                    return true
                }
                guard proceed else { return }
                try connection.subscribe(channels)
                logger.info("Redis subscription open", metadata: ["channels": "\(channels.joined(separator: ","))"])
                onSubscribed(subscribedBefore)
                subscribedBefore = true
                // The backoff starts over only once the subscription has held a while: one that breaks
                // at once must not reconnect (and make its owner resync) ten times a second.
                let opened = ContinuousClock.now
                defer { if ContinuousClock.now - opened > .seconds(5) { delay = 0.1 } }
                while true {
                    let (channel, payload) = try connection.nextMessage()
                    onMessage(channel, payload)
                }
            } catch {
                state.withLock { $0.current = nil }
                if stopped { return }
                logger.warning("Redis subscription lost; reconnecting", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 2)
            }
        }
    }
}
