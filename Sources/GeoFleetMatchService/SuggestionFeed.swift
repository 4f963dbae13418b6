import Foundation
import GeoFleetCore
import GeoFleetLive
import GeoFleetMatching
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Pushes `agent_suggestion_new` to a vehicle owner's room when the vehicle's suggestions change:
/// after it moved more than the configured distance, or after a load was added near it.
public final class SuggestionFeed: Service, Sendable {
    private let service: MatchService
    private let catalog: VehicleCatalog
    private let events: FleetEventHub
    private let logger: Logger
    /// The suggestion ids last worked out per vehicle: only new ones are pushed.
    private let shown = Mutex<[Int64: Set<UUID>]>([:])
    private let pushedCounter = Counter(label: "geofleet_match_suggestions_pushed_total")
    /// A new load is worked out for at most this many vehicles, this many per owner, this near its pickup.
    static let vehiclesPerLoad = 100
    static let vehiclesPerOwner = 10
    static let cargoReachMeters: Double = 200_000

    public init(service: MatchService, catalog: VehicleCatalog, events: FleetEventHub, logger: Logger) {
        self.service = service
        self.catalog = catalog
        self.events = events
        self.logger = logger
    }

    public func run() async {
        await withGracefulShutdownHandler {
            for await trigger in service.triggers {
                await handle(trigger)
            }
        } onGracefulShutdown: {
            self.service.finish()
        }
    }

    func handle(_ trigger: MatchService.Trigger) async {
        switch trigger {
        case .vehicleMoved(let key, let owner):
            guard events.hasListeners(userID: owner) else { return }
            await evaluate(vehicleKey: key)
        case .cargoAdded(let id):
            guard let cargo = service.cargo.cargo(id: id) else { return }
            // The vehicles nearest the pickup, over every owner someone listens for: theirs are the
            // suggestions that may change. Bounded, so that a marketplace sync of thousands of loads stays cheap.
            var near: [(key: Int64, meters: Double)] = []
            for owner in catalog.owners where events.hasListeners(userID: owner) {
                for v in service.hot.nearest(
                    owner: owner, latitude: cargo.pickup.latitude, longitude: cargo.pickup.longitude,
                    limit: Self.vehiclesPerOwner, maxDistanceMeters: Self.cargoReachMeters)
                {
                    near.append((v.fix.vehicleKey, v.distanceMeters))
                }
            }
            near.sort { ($0.meters, $0.key) < ($1.meters, $1.key) }
            for v in near.prefix(Self.vehiclesPerLoad) { await evaluate(vehicleKey: v.key) }
        }
    }

    /// Works out one vehicle's suggestions and pushes those not shown before.
    func evaluate(vehicleKey: Int64) async {
        guard let entry = catalog.entry(key: vehicleKey) else { return }
        let now = service.now()
        let suggestions = await service.suggestions(
            for: service.matchVehicle(entry, now: now), user: entry.owner, now: now, costs: service.costSettings(user: entry.owner).settings,
            preference: service.preferences(user: entry.owner).ranking, limit: service.configuration.liveSuggestionsPerVehicle)
        let ids = Set(suggestions.map(\.id))
        let before = shown.withLock { $0.updateValue(ids, forKey: vehicleKey) } ?? []
        let fresh = suggestions.filter { !before.contains($0.id) }
        guard !fresh.isEmpty else { return }
        var w = JSONWriter(capacity: 96 + fresh.count * 400)
        w.beginObject()
        w.key("level")
        w.string("L1")
        w.key("vehicleId")
        w.string(entry.id.uuidString.lowercased())
        w.key("suggestions")
        MatchJSON.suggestions(fresh, to: &w)
        w.endObject()
        let data = w.text
        events.publish(.suggestion, userID: entry.owner, vehicleID: entry.id, data: data)
        pushedCounter.increment(by: fresh.count)
        logger.debug("suggestions pushed", metadata: ["vehicle": "\(entry.id)", "count": "\(fresh.count)"])
    }
}
