import Foundation
import GeoFleetLive
import GeoFleetMatching
import GeoFleetRouting

extension MatchService {
    /// The load's pickup → delivery distance for a profile, and the caller's vehicles ranked for it:
    /// those that fit first (best score first), then the others with their reasons (soonest first).
    ///
    /// Of a large fleet only the `candidatePool` nearest in a straight line are considered; of those
    /// that pass the static checks the `roadCandidates` nearest get road distances from one
    /// many-to-one matrix per profile, the rest the heuristic's.
    public func vehicles(for cargo: Cargo, user: String, limit: Int) async -> (candidates: [VehicleCandidate], loadedKm: Double?) {
        let started = ContinuousClock.now
        defer { matchTimer.record(duration: ContinuousClock.now - started) }
        let now = now()
        let entries: [VehicleCatalog.Entry]
        if catalog.count(owner: user) > configuration.candidatePool {
            // A big fleet: only its vehicles nearest the pickup (those without a position drop out).
            let near = hot.nearest(
                owner: user, latitude: cargo.pickup.latitude, longitude: cargo.pickup.longitude,
                limit: configuration.candidatePool, maxDistanceMeters: .infinity)
            entries = near.compactMap { catalog.entry(key: $0.fix.vehicleKey) }.filter { $0.owner == user }
        } else {
            entries = catalog.entries(owner: user)
        }
        struct Work {
            var vehicle: MatchVehicle
            var reasons: [FitReason]
            var straight: Double?
            var road: (meters: Double, seconds: Double, heuristic: Bool)?
        }
        var work = entries.map { entry -> Work in
            let v = matchVehicle(entry, now: now)
            return Work(
                vehicle: v, reasons: FitCheck.staticReasons(cargo: cargo, vehicle: v),
                straight: v.position.map { Self.straightMeters($0, cargo.pickup) })
        }
        // Road distances for the nearest vehicles that pass the static checks, one matrix per profile.
        let roadIndexes = work.indices.filter { work[$0].reasons.isEmpty && work[$0].straight != nil }
            .sorted { (work[$0].straight!, work[$0].vehicle.key) < (work[$1].straight!, work[$1].vehicle.key) }
            .prefix(configuration.roadCandidates)
        for (profileClass, indexes) in Dictionary(grouping: roadIndexes, by: { work[$0].vehicle.profile.vehicleClass }) {
            let answer = await routes.matrix(
                sources: indexes.map { work[$0].vehicle.position! }, destinations: [cargo.pickup],
                profile: VehicleProfile(vehicleClass: profileClass))
            for (row, i) in indexes.enumerated() {
                if let meters = answer.distances[row][0], let seconds = answer.durations[row][0] {
                    work[i].road = (meters, seconds, answer.source == .heuristic)
                } else {
                    work[i].reasons.append(FitReason("no_route", "no road leads from the vehicle to the pickup"))
                }
            }
        }
        var loadedKmShown: Double?
        var candidates: [VehicleCandidate] = []
        candidates.reserveCapacity(work.count)
        for w in work {
            let v = w.vehicle
            let profile = v.profile
            var reasons = w.reasons
            let leg = await legs.leg(cargo, profile: profile)
            if leg == nil { reasons.append(FitReason("no_route", "no road joins pickup and delivery for a \(profile.name) vehicle")) }
            if loadedKmShown == nil, let leg { loadedKmShown = leg.meters / 1000 }
            var deadhead = w.road
            if deadhead == nil, let position = v.position, !reasons.contains(where: { $0.code == "no_route" }) {
                let guess = heuristic.estimate(from: position, to: cargo.pickup, profile: profile)
                deadhead = (guess.distanceMeters, guess.durationSeconds, true)
            }
            var candidate = VehicleCandidate(
                vehicleID: v.id, fits: false, reasons: [], roadDistanceKm: nil, etaMinutes: nil, arrival: nil, deadheadKm: nil,
                loadedKm: leg.map { $0.meters / 1000 }, score: 0, confidence: .low, distanceSource: nil,
                positionAgeMinutes: v.fixTime.map { Double(now - $0) / 60_000 }, positionSource: v.source?.name,
                straightLineKm: w.straight.map { $0 / 1000 })
            if let deadhead {
                let (timing, late) = plan(cargo, for: v, now: now, deadheadSeconds: deadhead.seconds, loadedSeconds: leg?.seconds ?? 0)
                reasons += late
                candidate.roadDistanceKm = deadhead.meters / 1000
                candidate.deadheadKm = deadhead.meters / 1000
                candidate.etaMinutes = timing.toPickupSeconds / 60
                candidate.arrival = timing.arrival
                candidate.distanceSource = deadhead.heuristic || (leg?.heuristic ?? false) ? "heuristic" : "road"
                candidate.confidence = confidence(of: v, now: now, heuristicDistance: candidate.distanceSource == "heuristic")
                candidate.score = VehicleScore.score(
                    fits: reasons.isEmpty, toPickupSeconds: timing.toPickupSeconds, cargo: cargo,
                    vehicle: v, confidence: candidate.confidence)
            }
            candidate.reasons = reasons
            candidate.fits = reasons.isEmpty && deadhead != nil
            candidates.append(candidate)
        }
        candidates.sort { a, b in
            if a.fits != b.fits { return a.fits }
            if a.fits, a.score != b.score { return a.score > b.score }
            let ea = a.etaMinutes ?? .infinity, eb = b.etaMinutes ?? .infinity
            if ea != eb { return ea < eb }
            return a.vehicleID.uuidString < b.vehicleID.uuidString
        }
        return (Array(candidates.prefix(limit)), loadedKmShown)
    }
}
