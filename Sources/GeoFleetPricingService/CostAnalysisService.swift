import Foundation
import GeoFleetCore
import GeoFleetMatchService
import GeoFleetMatching
import GeoFleetPricing
import GeoFleetRouteService
import GeoFleetRouting
import Logging
import Metrics

/// What a load costs one of the carrier's trucks and what to quote for it: the road legs from the
/// router, the driving-time plan, the carrier's settings and the lane's market, cached for ten minutes
/// per (load, vehicle and its position cell, settings).
public final class CostAnalysisService: Sendable {
    /// One analysis, with what it was made for.
    public struct Report: Sendable {
        public var cargo: Cargo
        /// The vehicle costed; nil when the carrier has none with a position (no empty leg then).
        public var vehicleID: UUID?
        /// How the vehicle was chosen: `requested`, `best candidate` or `none`.
        public var vehicleChoice: String
        public var vehicleClass: String
        public var analysis: CostAnalysis
        public var profit: ProfitAnalysis
        public var price: Money?
        /// Served from the cache.
        public var cached: Bool
    }

    /// A quote suggestion with the analysis it rests on.
    public struct Quote: Sendable {
        public var report: Report
        public var suggestion: QuoteSuggestion
    }

    /// Why an analysis cannot be made.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unknownCargo(String)
        case unknownVehicle
        case noRoute(String)

        public var description: String {
            switch self {
            case .unknownCargo(let id): return "no open cargo \(id)"
            case .unknownVehicle: return "vehicle not found"
            case .noRoute(let message): return message
            }
        }
    }

    public static let cacheLifetime = Duration.seconds(600)
    public static let cacheCapacity = 20_000
    /// Positions within one cell (≈ 1 km) share an analysis.
    static let cellDegrees = 0.01

    let matching: MatchService
    let routes: RouteService
    public let deals: MarketDealStore
    let now: @Sendable () -> Int64
    let logger: Logger
    let cache: LRUCache<String, Report>
    let analysisTimer = Metrics.Timer(label: "geofleet_cost_analysis_seconds", dimensions: [("kind", "analysis")])
    let quoteTimer = Metrics.Timer(label: "geofleet_cost_analysis_seconds", dimensions: [("kind", "quote")])
    let cacheHits = Counter(label: "geofleet_cost_analysis_cache_total", dimensions: [("result", "hit")])
    let cacheMisses = Counter(label: "geofleet_cost_analysis_cache_total", dimensions: [("result", "miss")])

    public init(matching: MatchService, routes: RouteService, deals: MarketDealStore, now: @escaping @Sendable () -> Int64, logger: Logger) {
        self.matching = matching
        self.routes = routes
        self.deals = deals
        self.now = now
        self.logger = logger
        cache = LRUCache(capacity: Self.cacheCapacity, timeToLive: Self.cacheLifetime)
    }

    /// The itemised cost of `cargoID` for the user's vehicle `vehicleID`, or for the best of the user's
    /// vehicles that matching finds when none is given.
    public func analyse(cargoID: String, user: String, vehicleID: UUID?) async throws(Failure) -> Report {
        let started = ContinuousClock.now
        defer { analysisTimer.record(duration: ContinuousClock.now - started) }
        return try await report(cargoID: cargoID, user: user, vehicleID: vehicleID)
    }

    /// A price to quote: cost plus the target margin, moved by the lane's accepted deals.
    public func quote(cargoID: String, user: String, vehicleID: UUID?) async throws -> Quote {
        let started = ContinuousClock.now
        defer { quoteTimer.record(duration: ContinuousClock.now - started) }
        let report = try await report(cargoID: cargoID, user: user, vehicleID: vehicleID)
        let settings = matching.costSettings(user: user).settings
        let lane = LaneMarket.Lane(
            origin: report.cargo.pickup, originCountry: report.cargo.fromCountry, destination: report.cargo.delivery,
            destinationCountry: report.cargo.toCountry, date: now(), weightKg: report.cargo.weightKg)
        let market = LaneMarket(
            lane: lane, deals: try await deals.candidates(for: lane), currency: report.analysis.currency,
            eurToRon: Exact.decimal(settings.eurToRon, places: 4))
        return Quote(
            report: report, suggestion: QuoteSuggestion.suggest(cost: report.analysis.total, targetMargin: settings.baseMargin, market: market))
    }

    private func report(cargoID: String, user: String, vehicleID: UUID?) async throws(Failure) -> Report {
        guard let cargo = matching.cargo.cargo(id: cargoID) else { throw .unknownCargo(cargoID) }
        let (settings, isDefault) = matching.costSettings(user: user)
        var vehicle: MatchVehicle?
        var choice = "none"
        if let vehicleID {
            guard let found = matching.vehicle(id: vehicleID, user: user) else { throw .unknownVehicle }
            vehicle = found
            choice = "requested"
        } else {
            let ranked = await matching.vehicles(for: cargo, user: user, limit: 5).candidates
            if let best = ranked.first(where: { $0.fits }) ?? ranked.first(where: { $0.deadheadKm != nil }) {
                vehicle = matching.vehicle(id: best.vehicleID, user: user)
                choice = vehicle == nil ? "none" : "best candidate"
            }
        }
        let key = Self.cacheKey(user: user, cargo: cargo, vehicle: vehicle, settings: settings)
        if var hit = cache.value(for: key) {
            cacheHits.increment()
            hit.cached = true
            hit.vehicleChoice = choice
            return hit
        }
        cacheMisses.increment()
        let profile =
            vehicle?.profile ?? (cargo.vehicleType == "van" ? VehicleProfile(vehicleClass: .van) : VehicleProfile(vehicleClass: .articulated))
        var deadhead: TripLeg?
        if let position = vehicle?.position {
            deadhead = try await leg(from: position, to: cargo.pickup, profile: profile, name: "vehicle to pickup")
        }
        let loaded = try await leg(from: cargo.pickup, to: cargo.delivery, profile: profile, name: "pickup to delivery")
        let input = TripCostCalculator.Input(
            deadhead: deadhead, loaded: loaded, vehicleClass: profile.vehicleClass.rawValue,
            payloadCapacityKg: vehicle.map(\.capacityWeightKg), cargoWeightKg: cargo.weightKg, driver: vehicle?.driver ?? .init(),
            handlingSeconds: matching.configuration.handlingSeconds, settings: settings, settingsAreDefaults: isDefault)
        var analysis = TripCostCalculator.analyse(input)
        switch choice {
        case "best candidate": analysis.notes.insert("vehicle: the best of the fleet for this load by matching", at: 0)
        case "none": analysis.notes.insert("no vehicle of the fleet has a position: the empty run to the pickup is not counted", at: 0)
        default: break
        }
        let currency = analysis.currency
        let price = cargo.totalPrice.map {
            Money(
                rounding: Exact.decimal($0, places: 2) * Currency.eur.factor(to: currency, eurToRon: Exact.decimal(settings.eurToRon, places: 4)),
                currency: currency)
        }
        let age = vehicle?.fixTime.map { Double(now() - $0) / 60_000 }
        let profit = ProfitAnalysis.assess(
            analysis, price: price, targetMargin: settings.baseMargin, positionAgeMinutes: age, settingsAreDefaults: isDefault)
        let report = Report(
            cargo: cargo, vehicleID: vehicle?.id, vehicleChoice: choice, vehicleClass: profile.vehicleClass.rawValue, analysis: analysis,
            profit: profit, price: price, cached: false)
        cache.set(report, for: key)
        return report
    }

    private func leg(from: GeoPoint, to: GeoPoint, profile: VehicleProfile, name: String) async throws(Failure) -> TripLeg {
        do {
            let estimate = try await routes.estimate(from: from, to: to, profile: profile, geometry: true)
            return TripLeg(
                meters: estimate.distanceMeters, drivingSeconds: estimate.durationSeconds, source: estimate.source.rawValue,
                composition: estimate.composition)
        } catch {
            throw .noRoute("\(name): \(error.description)")
        }
    }

    /// Load and its version, vehicle and its position cell, and the settings as stored.
    static func cacheKey(user: String, cargo: Cargo, vehicle: MatchVehicle?, settings: CostSettings) -> String {
        let cell =
            vehicle?.position.map { "\(Int(($0.latitude / cellDegrees).rounded(.down))):\(Int(($0.longitude / cellDegrees).rounded(.down)))" } ?? "-"
        // The settings' hash within this process: the key stays short, and a change gives another key.
        return "\(user)|\(cargo.id)|\(cargo.updatedAt)|\(vehicle?.id.uuidString ?? "-")|\(cell)|\(settings.hashValue)"
    }
}
