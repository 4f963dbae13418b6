import Metrics

/// The dispatcher's metrics: outcomes, attempt latency, open rows.
struct WebhookMetrics: Sendable {
    let delivered = Counter(label: "geofleet_webhook_deliveries_total", dimensions: [("result", "delivered")])
    let retried = Counter(label: "geofleet_webhook_deliveries_total", dimensions: [("result", "retry")])
    let failed = Counter(label: "geofleet_webhook_deliveries_total", dimensions: [("result", "failed")])
    /// One attempt, from the POST to its outcome (whatever it was).
    let latency = Metrics.Timer(label: "geofleet_webhook_delivery_seconds", preferredDisplayUnit: .seconds)
    /// Deliveries neither delivered nor failed.
    let backlog = Gauge(label: "geofleet_webhook_backlog")
}
