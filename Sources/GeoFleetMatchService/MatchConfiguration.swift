/// Matching's knobs (`GEOFLEET_MATCH_*`).
public struct MatchConfiguration: Sendable {
    /// Of a large fleet, the vehicles nearest the pickup in a straight line that are considered at all.
    public var candidatePool = 200
    /// Of those that fit, how many get road distances (one many-to-one matrix).
    public var roadCandidates = 50
    /// Loads whose pickup is farther than this from a vehicle are not suggested to it.
    public var cargoRadiusMeters: Double = 500_000
    /// Loads per vehicle that get road distances when loads are suggested for a vehicle (nearest pickups first).
    public var cargoPerVehicle = 10
    /// Loading plus unloading.
    public var handlingSeconds: Double = 7200
    /// A vehicle that moved this far since its suggestions were last worked out gets new ones.
    public var moveThresholdMeters: Double = 10_000
    /// How far a carrier's vehicles may be from the pickup in a shipper's marketplace search.
    public var marketplaceRadiusMeters: Double = 300_000
    /// Nearest vehicles per carrier that get road distances in a marketplace search.
    public var marketplaceVehiclesPerCarrier = 5
    /// Suggestions per vehicle pushed on the live stream.
    public var liveSuggestionsPerVehicle = 5

    public init() {}
}
