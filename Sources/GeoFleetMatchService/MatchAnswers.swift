import Foundation
import GeoFleetMatching

/// One of the caller's vehicles for a load.
public struct VehicleCandidate: Sendable, Equatable {
    public var vehicleID: UUID
    public var fits: Bool
    public var reasons: [FitReason]
    /// Road distance from the vehicle to the pickup (the deadhead).
    public var roadDistanceKm: Double?
    /// Elapsed minutes to the pickup, with the driving-time breaks and rests due on the way.
    public var etaMinutes: Double?
    public var arrival: Int64?
    public var deadheadKm: Double?
    public var loadedKm: Double?
    public var score: Double
    public var confidence: MatchConfidence
    /// `road` or `heuristic`: where the distances came from.
    public var distanceSource: String?
    public var positionAgeMinutes: Double?
    public var positionSource: String?
    /// Straight-line distance to the pickup, for comparison with the road's.
    public var straightLineKm: Double?
}

/// One load for one of the caller's vehicles, with its economics.
public struct CargoSuggestion: Sendable, Equatable {
    public var id: UUID
    public var vehicleID: UUID
    public var cargoID: String
    public var economics: TripEconomics
    /// The ranking key: profit per hour adjusted by the user's learned deadhead weight.
    public var score: Double
    public var confidence: MatchConfidence
    public var arrival: Int64
    public var distanceSource: String
}

/// A shipper's marketplace search: a carrier that opted in and can take the load, without its id,
/// any vehicle id or any position (the distance is from a coarse cell, rounded to 5 km).
public struct CarrierMatch: Sendable, Equatable {
    public var distanceKm: Int
    public var confidence: MatchConfidence
}

/// Why a match request cannot be answered.
public enum MatchError: Error, Equatable, CustomStringConvertible {
    case unknownCargo(String)
    case unknownVehicle
    case unknownSuggestion

    public var description: String {
        switch self {
        case .unknownCargo(let id): "no open cargo \(id)"
        case .unknownVehicle: "vehicle not found"
        case .unknownSuggestion: "unknown or expired suggestion"
        }
    }
}
