import GeoFleetMatching
import GeoFleetRouteService
import GeoFleetRouting
import Synchronization

/// Each load's pickup → delivery road leg per profile, computed once per version of the load.
final class LoadedLegs: Sendable {
    struct Leg: Sendable {
        var meters: Double
        var seconds: Double
        var heuristic: Bool
    }

    private struct Known: Sendable {
        var updatedAt: Int64
        /// nil: no road joins pickup and delivery for this profile.
        var leg: Leg?
    }

    private let legs = Mutex<[String: [VehicleClass: Known]]>([:])
    private let routes: RouteService

    init(routes: RouteService) {
        self.routes = routes
    }

    /// The leg, or nil when no road joins pickup and delivery for this profile.
    func leg(_ cargo: Cargo, profile: VehicleProfile) async -> Leg? {
        if let known = legs.withLock({ $0[cargo.id]?[profile.vehicleClass] }), known.updatedAt == cargo.updatedAt { return known.leg }
        let leg: Leg?
        do {
            let estimate = try await routes.estimate(from: cargo.pickup, to: cargo.delivery, profile: profile)
            leg = Leg(meters: estimate.distanceMeters, seconds: estimate.durationSeconds, heuristic: estimate.source == .heuristic)
        } catch {
            leg = nil
        }
        legs.withLock { $0[cargo.id, default: [:]][profile.vehicleClass] = Known(updatedAt: cargo.updatedAt, leg: leg) }
        return leg
    }

    /// Forgets a load's legs (it left the index).
    func forget(cargo id: String) {
        _ = legs.withLock { $0.removeValue(forKey: id) }
    }
}
