import Foundation
import GeoFleetMatching
import Synchronization

/// The suggestions recently shown, by id, so that feedback can find the trip it is about.
/// Bounded: the oldest are forgotten first (feedback on those is refused as expired).
final class SuggestionLog: Sendable {
    struct Record: Sendable {
        var user: String
        var vehicleID: UUID
        var cargoID: String
        var deadheadShare: Double
        var profitPerHour: Double
    }

    private struct State {
        var records: [UUID: Record] = [:]
        var order: [UUID] = []
        var head = 0
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    func remember(_ id: UUID, _ record: Record) {
        state.withLock { s in
            if s.records.updateValue(record, forKey: id) != nil { return }
            s.order.append(id)
            if s.records.count > capacity {
                s.records[s.order[s.head]] = nil
                s.head += 1
                // Compact now and then instead of shifting on every eviction.
                if s.head > capacity {
                    s.order.removeFirst(s.head)
                    s.head = 0
                }
            }
        }
    }

    func record(_ id: UUID) -> Record? {
        state.withLock { $0.records[id] }
    }
}
