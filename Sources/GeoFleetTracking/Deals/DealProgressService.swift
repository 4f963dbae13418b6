import Foundation
import GeoFleetCore
import GeoFleetHotIndex
import GeoFleetRouteService
import Logging
import ServiceLifecycle

/// Keeps moving deals' progress and ETA current: at most once a minute per deal, the road distance
/// and time left from the vehicle's latest position to the delivery (the route chain: graph, cache,
/// heuristic), with EU driving breaks added to the time. Records the ETA at departure and at each
/// quarter of the way for the ETA-truth report.
public final class DealProgressService: Service, Sendable {
    private let deals: DealBook
    private let hot: HotPositions
    private let routes: RouteService
    private let store: DealStore
    private let sink: EventSink
    private let interval: Int64
    private let now: @Sendable () -> Int64
    private let logger: Logger
    private let driving = DrivingTimeRules()

    init(
        deals: DealBook, hot: HotPositions, routes: RouteService, store: DealStore, sink: EventSink, interval: Duration,
        now: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.deals = deals
        self.hot = hot
        self.routes = routes
        self.store = store
        self.sink = sink
        self.interval = interval.components.seconds * 1000
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.updateDue()
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }

    /// Updates every deal whose progress is due; returns how many were updated.
    @discardableResult
    public func updateDue() async -> Int {
        var updated = 0
        for deal in deals.due(now: now(), every: interval) {
            do {
                if try await update(deal) { updated += 1 }
            } catch {
                logger.warning("deal progress not updated", metadata: ["cargo": "\(deal.cargoID)", "error": "\(error)"])
            }
        }
        return updated
    }

    private func update(_ deal: Deal) async throws -> Bool {
        guard let fix = hot.latest(vehicleKey: deal.vehicleKey, owner: deal.owner) else { return false }
        let profile = routes.defaultProfile
        var total = deal.routeMeters ?? 0
        if deal.routeMeters == nil { total = try await routes.estimate(from: deal.pickup, to: deal.delivery, profile: profile).distanceMeters }
        let left = try await routes.estimate(from: GeoPoint(latitude: fix.latitude, longitude: fix.longitude), to: deal.delivery, profile: profile)
        let time = now()
        let covered = total > 0 ? (1 - left.distanceMeters / total) * 100 : 0
        let drive = driving.plan(drivingSeconds: left.durationSeconds)
        let eta = time + Int64(drive.totalSeconds * 1000)
        var recorded: [Int] = []
        guard
            let after = deals.updateProgress(
                cargoID: deal.cargoID,
                { d in
                    guard d.state == .loaded || d.state == .inTransit else { return }
                    d.routeMeters = total
                    // Never backwards: a detour or a noisy fix does not undo what was driven.
                    d.progress = min(99.9, max(d.progress, covered.isFinite ? covered : 0))
                    d.etaDelivery = eta
                    d.progressAt = time
                    for checkpoint in 0...3 where !d.checkpoints.contains(checkpoint) && d.progress >= Double(checkpoint) * 25 {
                        d.checkpoints.insert(checkpoint)
                        recorded.append(checkpoint)
                    }
                })
        else { return false }
        for checkpoint in recorded {
            try await store.recordPrediction(
                cargoID: deal.cargoID, checkpoint: checkpoint, at: time, arrival: eta, remainingMeters: left.distanceMeters)
        }
        try await store.saveProgress(after)
        // An event when the marketplace's view changes: a point of progress, or the ETA by 5 minutes.
        let moved = after.progress.rounded(.down) != deal.progress.rounded(.down)
        let etaShift = deal.etaDelivery.map { abs($0 - eta) >= 300_000 } ?? true
        if moved || etaShift {
            let event = TrackingEvents.progress(after, at: time)
            try await sink.commit([event])
        }
        return true
    }
}
