import NIOCore

/// How the webhook dispatcher polls, sends, retries and purges.
public struct WebhookConfiguration: Sendable {
    /// How often due rows are looked for when nothing wakes the dispatcher.
    public var pollInterval: Duration = .seconds(1)
    /// One POST's deadline, connection and response body included.
    public var requestTimeout: Duration = .seconds(10)
    /// Deliveries in flight at once (over all webhooks).
    public var concurrency = 16
    /// How long after an event's creation its delivery is retried before it is marked failed
    /// (`GEOFLEET_WEBHOOK_RETRY_HOURS` holds it to at least 24 h; tests go shorter).
    public var retryFor: Duration = .seconds(48 * 3600)
    /// The wait after the first failed attempt; it doubles per attempt up to `maxBackoff`, with jitter.
    public var firstBackoff: Duration = .seconds(2)
    public var maxBackoff: Duration = .seconds(600)
    /// Events (and their deliveries) older than this are purged.
    public var retention: Duration = .seconds(30 * 86_400)
    /// How often the retention purge runs.
    public var purgeInterval: Duration = .seconds(3600)
    /// How often the backlog gauge is refreshed.
    public var backlogInterval: Duration = .seconds(15)
    /// Bytes of a receiver's response body read at most (the rest is dropped with the connection).
    public var responseBodyLimit = 64 * 1024

    public init() {}
}

extension Duration {
    /// Whole milliseconds (truncated), the unit of the event log's times.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }

    /// The same span as NIO's `TimeAmount` (millisecond precision), for the HTTP client.
    var timeAmount: TimeAmount { .milliseconds(milliseconds) }
}
