import GeoFleetCore

/// Rows committed over the last few seconds, for the backlog's drain time.
struct CommitRate {
    private var samples: [(at: ContinuousClock.Instant, rows: Int)] = []
    private let window: Duration = .seconds(10)

    mutating func record(rows: Int, at now: ContinuousClock.Instant) {
        samples.append((now, rows))
        if let first = samples.first, now - first.at > window * 2 { samples.removeAll { now - $0.at > window } }
    }

    func rowsPerSecond(now: ContinuousClock.Instant) -> Double {
        let recent = samples.filter { now - $0.at <= window }
        guard let first = recent.first else { return 0 }
        let span = max((now - first.at).seconds, 1)
        return Double(recent.reduce(0) { $0 + $1.rows }) / span
    }
}
