import GeoFleetRouting

/// One leg of a trip as the router answered it: empty to the pickup (deadhead) or loaded to the delivery.
public struct TripLeg: Sendable, Equatable {
    public var meters: Double
    /// Driving time without breaks.
    public var drivingSeconds: Double
    /// `road`, `cache` or `heuristic`.
    public var source: String
    /// Road classes and toll stretches; nil when the router that answered does not say (external, cache, heuristic).
    public var composition: RouteComposition?

    public init(meters: Double, drivingSeconds: Double, source: String, composition: RouteComposition?) {
        self.meters = meters
        self.drivingSeconds = drivingSeconds
        self.source = source
        self.composition = composition
    }
}
