import Foundation
import GeoFleetCluster
import GeoFleetCore
import GeoFleetHotIndex
import GeoFleetIngest
import GeoFleetLive
import GeoFleetMatchService
import GeoFleetPostGIS
import GeoFleetTracking
import Logging
import Synchronization

/// What a cluster node does with what the other nodes send: their positions go into this node's hot
/// index and streams, their events into its streams, their changes into its caches; after a lost Redis
/// connection it re-reads `vehicle_latest` and the vehicles, so it converges by itself.
final class ClusterReceiver: Sendable {
    private let hot: HotPositions
    private let catalog: VehicleCatalog
    private let recent: RecentFixes
    private let events: FleetEventHub
    private let store: FleetStore
    private let now: @Sendable () -> Int64
    private let logger: Logger
    /// What exists only once the later start-up stages ran.
    private let late = Mutex<Late?>(nil)

    struct Late: Sendable {
        var directory: DeviceDirectory
        var tracking: Tracking
        var matching: MatchService
    }

    init(live: LiveParts, store: FleetStore, now: @escaping @Sendable () -> Int64, logger: Logger) {
        hot = live.hot
        catalog = live.catalog
        recent = live.recent
        events = live.events
        self.store = store
        self.now = now
        self.logger = logger
    }

    /// The live state the receiver feeds (what `LiveStage` builds before the bus exists).
    struct LiveParts: Sendable {
        var hot: HotPositions
        var catalog: VehicleCatalog
        var recent: RecentFixes
        var events: FleetEventHub
    }

    func attach(directory: DeviceDirectory, tracking: Tracking, matching: MatchService) {
        late.withLock { $0 = Late(directory: directory, tracking: tracking, matching: matching) }
    }

    var handlers: ClusterHandlers {
        ClusterHandlers(
            positions: { [self] in apply($0) }, event: { [self] in apply($0) }, change: { [self] in apply($0) },
            resync: { [self] in
                Task {
                    await resync()
                    // Positions durable elsewhere while Redis was away but not yet committed at the first
                    // read are in `vehicle_latest` a writer batch later.
                    try? await Task.sleep(for: .seconds(2))
                    await resync()
                }
            })
    }

    /// Another node's durable positions: its fix times count as seen here too (a device that moves to
    /// this node and resends them gets its ACK without a second copy), the newest goes to the hot index.
    func apply(_ message: RelayedPositions) {
        for group in message.groups {
            var byVehicle: [Int64: [Position]] = [:]
            for p in group.positions { byVehicle[p.vehicleKey, default: []].append(p) }
            for (key, positions) in byVehicle {
                _ = recent.admit(vehicleKey: key, fixTimes: positions.map(\.fixTime))
                guard let newest = positions.max(by: { $0.fixTime < $1.fixTime }) else { continue }
                if hot.update(HotFix(newest), owner: group.owner), let id = catalog.entry(key: key)?.id {
                    events.publishPosition(newest, userID: group.owner, vehicleID: id, relayed: false)
                }
            }
        }
    }

    func apply(_ event: RelayedEvent) {
        guard let kind = FleetEvent.Kind(rawValue: event.kind) else { return }
        events.publish(
            kind, userID: event.userID, vehicleID: event.vehicleID, data: event.data, eventID: event.eventID, cargoID: event.cargoID,
            relayed: false)
    }

    func apply(_ change: CacheChange) {
        Task {
            do {
                try await refresh(change)
            } catch {
                logger.warning(
                    "refreshing after another node's change failed",
                    metadata: ["scope": "\(change.scope.rawValue)", "node": "\(change.node)", "error": "\(error)"])
            }
        }
    }

    private func refresh(_ change: CacheChange) async throws {
        let late = self.late.withLock { $0 }
        switch change.scope {
        case .vehicles:
            let vehicles = try await store.allVehicles(userID: change.userID)
            let keys = Set(vehicles.map(\.key))
            for entry in catalog.entries(owner: change.userID) where !keys.contains(entry.key) {
                catalog.remove(key: entry.key)
                hot.remove(vehicleKey: entry.key, owner: change.userID)
                events.closeVehicle(entry.id)
            }
            for v in vehicles { catalog.insert(.init(v)) }
            var devices: [String: Int64] = [:]
            for v in vehicles { if let device = v.gpsDeviceID { devices[device] = v.key } }
            late?.directory.reconcile(owner: change.userID, current: devices)
        case .geofences:
            try await late?.tracking.refreshGeofences(owner: change.userID)
        case .cargo, .settings:
            try await late?.matching.refresh()
        }
    }

    /// After (re)subscribing: what changed while this node was not listening.
    func resync() async {
        do {
            let vehicles = try await store.allVehicles()
            for v in vehicles { catalog.insert(.init(v)) }
            var updated = 0
            let loadedAt = now()
            for p in try await store.latestPositions() {
                let fix = HotFix(p, receivedTime: loadedAt)
                guard hot.update(fix, owner: p.owner) else { continue }
                updated += 1
                if let id = catalog.entry(key: p.vehicleKey)?.id {
                    let position = Position(
                        vehicleKey: p.vehicleKey, deviceID: nil, fixTime: p.fixTime, receivedTime: loadedAt, latitude: p.latitude,
                        longitude: p.longitude, heading: p.heading, speedKmh: p.speedKmh, source: fix.source)
                    events.publishPosition(position, userID: p.owner, vehicleID: id, relayed: false)
                }
            }
            logger.info("cluster state re-read from PostGIS", metadata: ["vehicles": "\(vehicles.count)", "newerPositions": "\(updated)"])
        } catch {
            logger.warning("re-reading the cluster state from PostGIS failed", metadata: ["error": "\(error)"])
        }
    }
}
