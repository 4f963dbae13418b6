import Synchronization

/// At most one log line per `interval` for a noisy event (refused devices, refused connections):
/// `take()` says whether to log now and how many were suppressed since the last line.
public final class LogSampler: Sendable {
    private let interval: Duration
    private let state = Mutex<(last: ContinuousClock.Instant?, suppressed: Int)>((nil, 0))

    public init(interval: Duration = .seconds(10)) {
        self.interval = interval
    }

    /// The number suppressed since the last line when this event is to be logged; nil to stay quiet.
    public func take() -> Int? {
        state.withLock { s in
            let now = ContinuousClock.now
            if let last = s.last, now - last < interval {
                s.suppressed += 1
                return nil
            }
            defer { s = (now, 0) }
            return s.suppressed
        }
    }
}
