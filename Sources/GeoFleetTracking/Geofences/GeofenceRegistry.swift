import Foundation
import GeoFleetFences
import Synchronization

/// Every geofence in memory: the evaluator's spatial index and the API's lookups by id.
public final class GeofenceRegistry: Sendable {
    struct State {
        var index = FenceIndex()
        var stored: [UUID: Geofence] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    public func upsert(_ g: Geofence) {
        state.withLock {
            $0.index.upsert(g.fence)
            $0.stored[g.id] = g
        }
    }

    public func remove(id: UUID) {
        state.withLock {
            $0.index.remove(id: id)
            $0.stored[id] = nil
        }
    }

    /// A user's fence by id (nil for someone else's).
    public func geofence(id: UUID, owner: String) -> Geofence? {
        state.withLock { s in s.stored[id].flatMap { $0.owner == owner ? $0 : nil } }
    }

    public var count: Int { state.withLock { $0.stored.count } }

    /// The index as it is now (a copy-on-write value: cheap until the next change).
    func snapshot() -> FenceIndex { state.withLock { $0.index } }

    /// A fence's name and schedule, for its events.
    func eventFacts(of id: UUID) -> (name: String, schedule: FenceSchedule?)? {
        state.withLock { s in s.stored[id].map { ($0.name, $0.schedule) } }
    }

    /// A user's fences, oldest first.
    public func all(owner: String) -> [Geofence] {
        state.withLock { s in
            s.stored.values.filter { $0.owner == owner }.sorted { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }
        }
    }
}
