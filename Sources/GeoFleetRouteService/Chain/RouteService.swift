import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetRouting
import Logging
import Metrics

/// The provider chain behind `/api/routes/*`: the cache, the built-in graph, an optional external
/// OSRM/Valhalla behind its circuit breaker, and last the heuristic (never cached).
public final class RouteService: Sendable {
    public let engines: [VehicleClass: RoutingEngine]
    public let external: ExternalRouter?
    public let cache: RouteCache
    public let defaultProfile: VehicleProfile
    /// The largest matrix answered (sources × destinations).
    public let maxMatrixCells: Int
    private let heuristic = RouteHeuristic()
    private let flights = SingleFlight<RouteCacheKey, Result<RouteEstimate, RouteServiceError>>()
    private let logger: Logger

    public init(
        engines: [VehicleClass: RoutingEngine], external: ExternalRouter?, cache: RouteCache,
        defaultProfile: VehicleProfile = VehicleProfile(vehicleClass: .articulated), maxMatrixCells: Int = 250_000, logger: Logger
    ) {
        self.maxMatrixCells = maxMatrixCells
        self.engines = engines
        self.external = external
        self.cache = cache
        self.defaultProfile = defaultProfile
        self.logger = logger
    }

    /// Distance and duration of one leg, through the chain.
    public func estimate(from: GeoPoint, to: GeoPoint, profile: VehicleProfile, geometry: Bool = false) async throws(RouteServiceError)
        -> RouteEstimate
    {
        let start = ContinuousClock.now
        let key = RouteCacheKey(from: from, to: to, profile: profile.name, dataVersion: dataVersion(profile))
        if !geometry, let hit = await cache.get(key) {
            record("estimate", source: .cache, start: start)
            return RouteEstimate(
                distanceMeters: hit.route.distanceMeters, durationSeconds: hit.route.durationSeconds,
                source: .cache, provider: hit.route.provider, profile: profile
            )
        }
        let outcome: Result<RouteEstimate, RouteServiceError>
        if geometry {
            outcome = await compute(from: from, to: to, profile: profile, geometry: true, key: key)
        } else {
            let (value, joined) = await flights.run(key) { [self] in
                await compute(from: from, to: to, profile: profile, geometry: false, key: key)
            }
            if joined { Counter(label: "geofleet_route_coalesced_total").increment() }
            outcome = value
        }
        switch outcome {
        case .success(let estimate):
            record("estimate", source: estimate.source, start: start)
            return estimate
        case .failure(let error):
            Counter(label: "geofleet_route_requests_total", dimensions: [("kind", "estimate"), ("source", error.code)]).increment()
            throw error
        }
    }

    private func compute(
        from: GeoPoint, to: GeoPoint, profile: VehicleProfile, geometry: Bool, key: RouteCacheKey
    ) async -> Result<RouteEstimate, RouteServiceError> {
        var reason = "no road graph is loaded for profile \(profile.name)"
        if let engine = engines[profile.vehicleClass] {
            if engine.covers(from), engine.covers(to) {
                do {
                    let route = try engine.route(from: from, to: to, geometry: geometry)
                    await cache.set(
                        CachedRoute(distanceMeters: route.distanceMeters, durationSeconds: route.durationSeconds, provider: "builtin"), for: key)
                    return .success(
                        RouteEstimate(
                            distanceMeters: route.distanceMeters, durationSeconds: route.durationSeconds, source: .road,
                            provider: "builtin", profile: profile, from: route.from, to: route.to, geometry: route.geometry,
                            composition: route.composition
                        ))
                } catch RoutingError.noRoadNearby(let point, let limit) {
                    return .failure(.noRoadNearby("no road usable by the \(profile.name) profile within \(Int(limit)) m of '\(point)'"))
                } catch {
                    return .failure(.noRoute("no road route between these points for the \(profile.name) profile"))
                }
            }
            reason = "the points lie outside the built-in road graph"
        }
        if let external {
            do {
                let route = try await external.route(from: from, to: to)
                await cache.set(
                    CachedRoute(distanceMeters: route.distanceMeters, durationSeconds: route.durationSeconds, provider: external.kind.rawValue),
                    for: key)
                return .success(
                    RouteEstimate(
                        distanceMeters: route.distanceMeters, durationSeconds: route.durationSeconds, source: .road,
                        provider: external.kind.rawValue, profile: profile
                    ))
            } catch ExternalRouterError.noRoute(let message) {
                return .failure(.noRoute("no road route between these points (\(external.kind.rawValue): \(message))"))
            } catch {
                reason = "external router \(external.kind.rawValue): \(error)"
                logger.debug("route falls back to the heuristic", metadata: ["reason": "\(reason)"])
            }
        }
        let guess = heuristic.estimate(from: from, to: to, profile: profile)
        return .success(
            RouteEstimate(
                distanceMeters: guess.distanceMeters, durationSeconds: guess.durationSeconds, source: .heuristic,
                provider: "heuristic", profile: profile, errorBand: guess, fallbackReason: reason
            ))
    }

    /// Many-to-many distances and durations: the built-in bucket search when the graph covers every point,
    /// else the external router, else the heuristic.
    public func matrix(sources: [GeoPoint], destinations: [GeoPoint], profile: VehicleProfile) async -> RouteMatrixAnswer {
        let start = ContinuousClock.now
        var reason = "no road graph is loaded for profile \(profile.name)"
        if let engine = engines[profile.vehicleClass] {
            if sources.allSatisfy(engine.covers), destinations.allSatisfy(engine.covers) {
                // Large matrices take CPU time: keep them off the cooperative pool that serves requests.
                let matrix = await Blocking.run { engine.matrix(sources: sources, destinations: destinations) }
                record("matrix", source: .road, start: start)
                return RouteMatrixAnswer(
                    distances: matrix.distances, durations: matrix.durations, source: .road, provider: "builtin",
                    profile: profile, sources: matrix.sources, destinations: matrix.destinations
                )
            }
            reason = "some points lie outside the built-in road graph"
        }
        if let external {
            do {
                let matrix = try await external.matrix(sources: sources, destinations: destinations)
                record("matrix", source: .road, start: start)
                return RouteMatrixAnswer(
                    distances: matrix.distances, durations: matrix.durations, source: .road,
                    provider: external.kind.rawValue, profile: profile
                )
            } catch {
                reason = "external router \(external.kind.rawValue): \(error)"
            }
        }
        var distances: [[Double?]] = []
        var durations: [[Double?]] = []
        var errors: [[Double]] = []
        for source in sources {
            let row = destinations.map { heuristic.estimate(from: source, to: $0, profile: profile) }
            distances.append(row.map(\.distanceMeters))
            durations.append(row.map(\.durationSeconds))
            errors.append(row.map { $0.distanceMeters > 0 ? ($0.distanceRange.upperBound / $0.distanceMeters - 1) : 0 })
        }
        record("matrix", source: .heuristic, start: start)
        return RouteMatrixAnswer(
            distances: distances, durations: durations, source: .heuristic, provider: "heuristic", profile: profile,
            errorRatios: errors, fallbackReason: reason
        )
    }

    /// The built-in graph's identity for the cache key; answers from an external router share "external".
    private func dataVersion(_ profile: VehicleProfile) -> String {
        guard let source = engines[profile.vehicleClass]?.graph.source else { return "external" }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(source.name)|\(source.bytes)|\(source.modified)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 36)
    }

    private func record(_ kind: String, source: RouteSource, start: ContinuousClock.Instant) {
        Counter(label: "geofleet_route_requests_total", dimensions: [("kind", kind), ("source", source.rawValue)]).increment()
        Timer(label: "geofleet_route_seconds", dimensions: [("kind", kind), ("source", source.rawValue)])
            .recordInterval(since: start)
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
