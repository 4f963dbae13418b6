import Foundation
import Synchronization

/// A settable clock for the authority (wall time) and the rate limiter (monotonic), shared by a test.
final class TestClock: Sendable {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    private let offset = Mutex<Duration>(.zero)

    var elapsed: Duration { offset.withLock { $0 } }
    var date: Date {
        let (s, atto) = elapsed.components
        return Self.start.addingTimeInterval(Double(s) + Double(atto) / 1e18)
    }

    func advance(_ by: Duration) { offset.withLock { $0 += by } }
}
