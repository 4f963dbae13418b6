import GeoFleetEvents

/// The event log's retention and how long webhook deliveries are retried.
public struct EventSettings: Sendable, ConfigSection {
    /// Hours a webhook delivery is retried after its event before it is marked failed.
    public var webhookRetryHours = 48
    /// Days events (and their delivery records) are kept.
    public var retentionDays = 30

    public init() {}

    static var variables: [ConfigVariable<Self>] {
        [
            .integer(
                "GEOFLEET_WEBHOOK_RETRY_HOURS", \.webhookRetryHours, 24...720,
                "hours a webhook delivery is retried (exponential backoff up to 10 min) before it is marked failed"),
            .integer("GEOFLEET_EVENT_RETENTION_DAYS", \.retentionDays, 1...3650, "days events and their delivery records are kept"),
        ]
    }
}

extension EventSettings {
    /// The dispatcher's configuration: these settings over its defaults.
    var webhookConfiguration: WebhookConfiguration {
        var configuration = WebhookConfiguration()
        configuration.retryFor = .seconds(webhookRetryHours * 3600)
        configuration.retention = .seconds(retentionDays * 86_400)
        return configuration
    }
}
