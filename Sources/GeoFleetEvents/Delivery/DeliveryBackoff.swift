/// The wait before a delivery's next attempt: doubling from `firstBackoff`, capped, with jitter so
/// many receivers failing together do not all come back in the same instant.
enum DeliveryBackoff {
    /// Milliseconds to wait after failed attempt number `attempts` (1-based): between half and all of
    /// `firstBackoff × 2^(attempts-1)`, capped at `maxBackoff`.
    static func delay<R: RandomNumberGenerator>(afterAttempt attempts: Int, configuration: WebhookConfiguration, using random: inout R) -> Int64 {
        let first = max(configuration.firstBackoff.milliseconds, 1)
        let cap = max(configuration.maxBackoff.milliseconds, first)
        let doublings = min(max(attempts - 1, 0), 40)
        let base = first > cap >> doublings ? cap : min(first << doublings, cap)
        return base / 2 + Int64.random(in: 0...(base - base / 2), using: &random)
    }
}
