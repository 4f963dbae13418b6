import Foundation
import GeoFleetCore
import GeoFleetHotIndex
import GeoFleetMatching
import GeoFleetRouting

extension MatchService {
    /// Side of the cells a carrier's vehicle is snapped to before any distance is taken, in degrees
    /// (about 11 km north-south): however many pickups a caller tries, the answer depends on the
    /// cell, never on where in it the vehicle stands.
    static let marketplaceCellDegrees = 0.1

    /// A shipper's search across carriers for an open load: for each opted-in carrier (other than the
    /// caller) with a vehicle that can take it, a distance rounded to 5 km and a confidence, nearest
    /// first. Nothing else leaves this function: no carrier id, vehicle id or position.
    ///
    /// Every distance starts from the centre of the vehicle's cell and is the heuristic road estimate
    /// from there, so the answer cannot be bisected down to the vehicle.
    public func carriers(for cargo: Cargo, caller: String, limit: Int) async -> [CarrierMatch] {
        let now = now()
        let heuristic = RouteHeuristic()
        // Vehicles found by their true position may lie a cell's diagonal beyond the radius once snapped.
        let searchRadius = configuration.marketplaceRadiusMeters + 16_000
        var best: [String: (meters: Double, confidence: MatchConfidence)] = [:]
        for carrier in optedInCarriers where carrier != caller {
            let near = hot.nearest(
                owner: carrier, latitude: cargo.pickup.latitude, longitude: cargo.pickup.longitude,
                limit: configuration.marketplaceVehiclesPerCarrier * 4, maxDistanceMeters: searchRadius)
            var taken = 0
            for nearby in near where taken < configuration.marketplaceVehiclesPerCarrier {
                guard let entry = catalog.entry(key: nearby.fix.vehicleKey), entry.owner == carrier else { continue }
                let v = matchVehicle(entry, now: now)
                guard let position = v.position, FitCheck.staticReasons(cargo: cargo, vehicle: v).isEmpty else { continue }
                let cell = Self.marketplaceCell(position)
                let toPickup = heuristic.estimate(from: cell, to: cargo.pickup, profile: v.profile)
                guard toPickup.distanceMeters <= configuration.marketplaceRadiusMeters else { continue }
                taken += 1
                let loaded = heuristic.estimate(from: cargo.pickup, to: cargo.delivery, profile: v.profile)
                guard
                    plan(cargo, for: v, now: now, deadheadSeconds: toPickup.durationSeconds, loadedSeconds: loaded.durationSeconds)
                        .late.isEmpty
                else { continue }
                let confidence = confidence(of: v, now: now, heuristicDistance: true)
                if best[carrier].map({ toPickup.distanceMeters < $0.meters }) ?? true {
                    best[carrier] = (toPickup.distanceMeters, confidence)
                }
            }
        }
        let matches = best.values.map { CarrierMatch(distanceKm: Self.roundedTo5Km($0.meters), confidence: $0.confidence) }
        return Array(matches.sorted { $0.distanceKm != $1.distanceKm ? $0.distanceKm < $1.distanceKm : $0.confidence > $1.confidence }.prefix(limit))
    }

    /// The centre of the marketplace cell holding a point.
    static func marketplaceCell(_ point: GeoPoint) -> GeoPoint {
        let size = marketplaceCellDegrees
        func centre(_ degrees: Double) -> Double { ((degrees / size).rounded(.down) + 0.5) * size }
        return GeoPoint(latitude: min(90, centre(point.latitude)), longitude: min(180, centre(point.longitude)))
    }

    /// Kilometres rounded to the nearest multiple of 5, at least 5.
    static func roundedTo5Km(_ meters: Double) -> Int {
        guard meters.isFinite else { return 5 }
        return max(5, Int((min(meters, 40_000_000) / 5000).rounded()) * 5)
    }
}
