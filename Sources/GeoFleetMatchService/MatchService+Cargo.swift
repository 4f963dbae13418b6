import Foundation
import GeoFleetLive
import GeoFleetMatching
import GeoFleetRouting

extension MatchService {
    /// Loads for some of the caller's vehicles: open loads each can take, ranked by the
    /// user's score (profit per hour weighed by deadhead); best first over all the vehicles.
    public func suggestions(for entries: [VehicleCatalog.Entry], user: String, limitPerVehicle: Int, limit: Int) async -> [CargoSuggestion] {
        let started = ContinuousClock.now
        defer { fleetTimer.record(duration: ContinuousClock.now - started) }
        let now = now()
        let costs = costSettings(user: user).settings
        let preference = preferences(user: user).ranking
        var all: [CargoSuggestion] = []
        // Vehicles are independent: a few at a time, so that the road searches use every core.
        await withTaskGroup(of: [CargoSuggestion].self) { group in
            var next = 0
            let width = max(2, ProcessInfo.processInfo.activeProcessorCount)
            func add() {
                guard next < entries.count else { return }
                let entry = entries[next]
                next += 1
                group.addTask {
                    await self.suggestions(
                        for: self.matchVehicle(entry, now: now), user: user, now: now, costs: costs,
                        preference: preference, limit: limitPerVehicle)
                }
            }
            for _ in 0..<width { add() }
            for await found in group {
                all += found
                add()
            }
        }
        all.sort { ($0.score, $1.id.uuidString) > ($1.score, $0.id.uuidString) }
        return Array(all.prefix(limit))
    }

    /// One vehicle's suggestions (also what the live feed pushes).
    func suggestions(
        for v: MatchVehicle, user: String, now: Int64, costs: CostSettings, preference: RankingPreference,
        limit: Int
    ) async -> [CargoSuggestion] {
        guard let position = v.position, v.status == "active", v.assignedCargoID == nil else { return [] }
        let near = cargo.nearest(to: position, limit: configuration.cargoPerVehicle, maxMeters: configuration.cargoRadiusMeters) { c in
            c.totalPrice != nil && FitCheck.staticReasons(cargo: c, vehicle: v).isEmpty
        }
        guard !near.isEmpty else { return [] }
        let profile = v.profile
        let answer = await routes.matrix(sources: [position], destinations: near.map(\.cargo.pickup), profile: profile)
        var out: [CargoSuggestion] = []
        for (column, found) in near.enumerated() {
            guard let meters = answer.distances[0][column], let seconds = answer.durations[0][column],
                let leg = await legs.leg(found.cargo, profile: profile)
            else { continue }
            let (timing, late) = plan(found.cargo, for: v, now: now, deadheadSeconds: seconds, loadedSeconds: leg.seconds)
            guard late.isEmpty else { continue }
            let trip = TripEconomics(cargo: found.cargo, deadheadMeters: meters, loadedMeters: leg.meters, timing: timing, costs: costs)
            let heuristicDistance = answer.source == .heuristic || leg.heuristic
            let id = SuggestionID.make(user: user, vehicle: v.id, cargo: found.cargo.id)
            log.remember(
                id,
                .init(
                    user: user, vehicleID: v.id, cargoID: found.cargo.id, deadheadShare: trip.deadheadShare,
                    profitPerHour: trip.profitPerHour))
            out.append(
                CargoSuggestion(
                    id: id, vehicleID: v.id, cargoID: found.cargo.id, economics: trip, score: preference.score(trip),
                    confidence: confidence(of: v, now: now, heuristicDistance: heuristicDistance),
                    arrival: timing.arrival, distanceSource: heuristicDistance ? "heuristic" : "road"))
        }
        out.sort { ($0.score, $1.cargoID) > ($1.score, $0.cargoID) }
        return Array(out.prefix(limit))
    }
}
