import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Delivers due webhook rows; a ServiceLifecycle Service.
///
/// At least once: a row is marked delivered only after a 2xx, so a crash between the two sends it
/// again (receivers de-duplicate by `X-GeoFleet-Event-Id`). Each (webhook, vehicle) chain goes out in
/// event order, one attempt at a time; chains proceed in parallel up to `concurrency`. It also runs
/// the retention purge and refreshes the backlog gauge.
public final class WebhookDispatcher: Service, Sendable {
    let queue: DeliveryQueue
    let sender: WebhookSender
    let configuration: WebhookConfiguration
    let now: @Sendable () -> Int64
    let logger: Logger
    let metrics = WebhookMetrics()
    private let client: PostgresClient
    private let wakeup = Wakeup()
    private let housekeepingWakeup = Wakeup()
    private let inFlight = Mutex(0)
    private let stopping = Mutex(false)

    public init(
        client: PostgresClient, httpClient: HTTPClient, configuration: WebhookConfiguration, now: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.client = client
        self.queue = DeliveryQueue(client: client, logger: logger)
        self.sender = WebhookSender(httpClient: httpClient, configuration: configuration)
        self.configuration = configuration
        self.now = now
        self.logger = logger
    }

    /// The HTTP client settings deliveries expect: no redirects (a receiver answers where it was
    /// registered), a bounded connect, and no connection retries inside the client (a refused
    /// connection is one failed attempt, retried with the dispatcher's backoff).
    public static func httpClientConfiguration(_ configuration: WebhookConfiguration = WebhookConfiguration()) -> HTTPClient.Configuration {
        var pool = HTTPClient.Configuration.ConnectionPool()
        pool.retryConnectionEstablishment = false
        pool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(configuration.concurrency, 1)
        return HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: min(configuration.requestTimeout, .seconds(5)).timeAmount),
            connectionPool: pool)
    }

    /// Something was appended: look for due rows now instead of at the next poll.
    public func wake() {
        wakeup.signal()
    }

    public func run() async throws {
        // Run again after a cancellation (cluster mode hands the job to a node, takes it back, and runs it again).
        stopping.withLock { $0 = false }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                // Shutdown stops new claims; deliveries in flight finish (bounded by requestTimeout).
                await withDiscardingTaskGroup { group in
                    group.addTask { await self.housekeeping() }
                    await self.dispatchLoop(&group)
                }
            } onGracefulShutdown: {
                self.stop()
            }
        } onCancel: {
            self.stop()
        }
    }

    private func stop() {
        stopping.withLock { $0 = true }
        wakeup.signal()
        housekeepingWakeup.signal()
    }

    private var isStopping: Bool { stopping.withLock { $0 } }

    private func dispatchLoop(_ group: inout DiscardingTaskGroup) async {
        let retryFor = configuration.retryFor.milliseconds
        let lease = configuration.requestTimeout.milliseconds + 30_000
        var failures = 0
        while !isStopping {
            let free = configuration.concurrency - inFlight.withLock { $0 }
            var claimed = 0
            if free > 0 {
                do {
                    claimed = try await claim(free, into: &group, retryFor: retryFor, lease: lease)
                    failures = 0
                } catch {
                    failures += 1
                    // The database away: one error, then quieter, and polls further apart (up to 30 s).
                    logger.log(
                        level: Task.isCancelled ? .debug : (failures % 10 == 1 ? .error : .debug),
                        "webhook dispatcher could not read due deliveries; retrying",
                        metadata: ["error": "\(String(reflecting: error))", "failures": "\(failures)"])
                }
            }
            // A full batch: more may be due at once.
            if failures == 0 && free > 0 && claimed == free { continue }
            let wait = failures == 0 ? configuration.pollInterval : min(configuration.pollInterval * (1 << min(failures, 5)), .seconds(30))
            await wakeup.wait(timeout: wait)
        }
    }

    /// Fails the rows past their window, claims up to `free` due ones and starts their attempts; returns how many.
    private func claim(_ free: Int, into group: inout DiscardingTaskGroup, retryFor: Int64, lease: Int64) async throws -> Int {
        let clock = now()
        for (eventID, webhookID, attempts) in try await queue.expire(now: clock, retryFor: retryFor) {
            metrics.failed.increment()
            logger.warning(
                "webhook delivery failed: retry window passed",
                metadata: ["webhook": "\(webhookID)", "event": "\(eventID)", "attempts": "\(attempts)"])
        }
        let due = try await queue.claim(limit: free, now: clock, leaseUntil: clock + lease)
        inFlight.withLock { $0 += due.count }
        for delivery in due {
            group.addTask {
                await self.attempt(delivery)
                self.inFlight.withLock { $0 -= 1 }
                // Its chain's next row may be due now, and a slot is free.
                self.wakeup.signal()
            }
        }
        return due.count
    }

    /// Sends one claimed row and records the outcome; a failure to record leaves the lease to expire
    /// and the row to be sent again.
    func attempt(_ delivery: DueDelivery) async {
        let started = ContinuousClock.now
        let outcome = await sender.send(delivery)
        metrics.latency.recordNanoseconds(Int64((ContinuousClock.now - started).milliseconds) * 1_000_000)
        var metadata: Logger.Metadata = [
            "webhook": "\(delivery.webhookID)", "event": "\(delivery.event.id)", "attempt": "\(delivery.attempts)",
        ]
        do {
            switch outcome {
            case .delivered(let status):
                try await queue.delivered(delivery, now: now())
                metrics.delivered.increment()
                metadata["status"] = "\(status)"
                logger.debug("webhook delivered", metadata: metadata)
            case .rejected(let error):
                let clock = now()
                var random = SystemRandomNumberGenerator()
                let next = clock + DeliveryBackoff.delay(afterAttempt: delivery.attempts, configuration: configuration, using: &random)
                metadata["error"] = "\(error)"
                if next > delivery.createdAt + configuration.retryFor.milliseconds {
                    try await queue.failed(delivery, now: clock, error: error)
                    metrics.failed.increment()
                    logger.warning("webhook delivery failed: retry window passed", metadata: metadata)
                } else {
                    try await queue.retry(delivery, at: next, error: error)
                    metrics.retried.increment()
                    metadata["retryInMs"] = "\(next - clock)"
                    logger.info("webhook delivery refused; retrying", metadata: metadata)
                }
            }
        } catch {
            metadata["dbError"] = "\(String(reflecting: error))"
            // Cancelled (the dispatcher stops at once): expected, not an error.
            logger.log(
                level: Task.isCancelled ? .debug : .error,
                "could not record a webhook delivery's outcome; it is sent again when its lease passes", metadata: metadata)
        }
    }

    /// The retention purge (at start, then every `purgeInterval`) and the backlog gauge.
    private func housekeeping() async {
        var lastPurge: ContinuousClock.Instant?
        while !isStopping {
            if lastPurge.map({ ContinuousClock.now - $0 >= configuration.purgeInterval }) ?? true {
                lastPurge = .now
                do {
                    let purged = try await EventLog.purge(
                        client: client, olderThan: now() - configuration.retention.milliseconds, logger: logger)
                    if purged > 0 { logger.info("purged old events", metadata: ["events": "\(purged)"]) }
                } catch {
                    logger.error("event purge failed; the next run retries", metadata: ["error": "\(String(reflecting: error))"])
                }
            }
            do {
                metrics.backlog.record(try await queue.backlog())
            } catch {
                logger.debug("backlog count failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            await housekeepingWakeup.wait(timeout: configuration.backlogInterval)
        }
    }
}
