import Foundation
import GeoFleetHotIndex
import GeoFleetMatching
import GeoFleetRouting

extension MatchService {
    /// A shipper's search across carriers: each opted-in carrier (other than the caller) with a
    /// vehicle that can take the load, nearest first. Only the carrier's id, a distance rounded to
    /// 5 km and a confidence leave this function: never a vehicle id or a position.
    public func carriers(for cargo: Cargo, caller: String, limit: Int) async -> [CarrierMatch] {
        let now = now()
        var work: [(carrier: String, vehicle: MatchVehicle)] = []
        for carrier in optedInCarriers where carrier != caller {
            let near = hot.nearest(owner: carrier, latitude: cargo.pickup.latitude, longitude: cargo.pickup.longitude,
                                   limit: configuration.marketplaceVehiclesPerCarrier * 4, maxDistanceMeters: configuration.marketplaceRadiusMeters)
            var taken = 0
            for nearby in near where taken < configuration.marketplaceVehiclesPerCarrier {
                guard let entry = catalog.entry(key: nearby.fix.vehicleKey), entry.owner == carrier else { continue }
                let v = matchVehicle(entry, now: now)
                guard FitCheck.staticReasons(cargo: cargo, vehicle: v).isEmpty else { continue }
                work.append((carrier, v))
                taken += 1
            }
        }
        var best: [String: (meters: Double, confidence: MatchConfidence)] = [:]
        for (profileClass, items) in Dictionary(grouping: work, by: { $0.vehicle.profile.vehicleClass }) {
            let profile = VehicleProfile(vehicleClass: profileClass)
            let answer = await routes.matrix(sources: items.map { $0.vehicle.position! }, destinations: [cargo.pickup], profile: profile)
            let leg = await legs.leg(cargo, profile: profile)
            for (row, item) in items.enumerated() {
                guard let meters = answer.distances[row][0], let seconds = answer.durations[row][0], let leg else { continue }
                guard plan(cargo, for: item.vehicle, now: now, deadheadSeconds: seconds, loadedSeconds: leg.seconds).late.isEmpty else { continue }
                let confidence = confidence(of: item.vehicle, now: now, heuristicDistance: answer.source == .heuristic || leg.heuristic)
                if best[item.carrier].map({ meters < $0.meters }) ?? true { best[item.carrier] = (meters, confidence) }
            }
        }
        let matches = best.map { CarrierMatch(carrierID: $0.key, distanceKm: Self.roundedTo5Km($0.value.meters), confidence: $0.value.confidence) }
        return Array(matches.sorted { ($0.distanceKm, $0.carrierID) < ($1.distanceKm, $1.carrierID) }.prefix(limit))
    }

    /// Kilometres rounded to the nearest multiple of 5, at least 5: coarse enough that a vehicle cannot be placed.
    static func roundedTo5Km(_ meters: Double) -> Int {
        max(5, Int((meters / 5000).rounded()) * 5)
    }
}
