/// The vehicle classes GeoFleet routes for; each has its own graph.
public enum VehicleClass: String, Sendable, CaseIterable, Codable {
    case car
    case van
    case rigid
    case articulated
}

/// How one vehicle class uses the road network: speeds, legal caps, dimensions, access keys and turn costs.
///
/// The car profile follows OSRM's `car.lua` (speeds by highway class, `maxspeed` × 0.8, turn and
/// u-turn penalties) so its answers can be compared with OSRM's. The truck profiles cap speeds at the
/// EU HGV limits and apply the vehicle's dimensions to `maxweight`, `maxheight`, `maxwidth` and
/// `maxlength`.
public struct VehicleProfile: Sendable, Equatable {
    public var vehicleClass: VehicleClass
    /// Free-flow speed in km/h per `highway` value, before any `maxspeed`.
    public var highwaySpeeds: [String: Double]
    /// Hard cap on the vehicle's speed (speed limiter or legal HGV limit), km/h.
    public var maxSpeedKmh: Double
    /// Legal cap on motorways and trunk roads for this class, km/h (80–90 for trucks in the EU).
    public var motorwayCapKmh: Double
    /// Cap on other roads outside towns, km/h (EU HGV limits are mostly 70–80).
    public var ruralCapKmh: Double
    /// Factor on a tagged `maxspeed`: traffic rarely drives at the limit (OSRM uses 0.8).
    public var maxspeedFactor: Double
    /// Gross weight in tonnes.
    public var weightTonnes: Double
    /// Heaviest axle in tonnes, for `maxaxleload` (EU limit 10 t, 11.5 t for a driven axle).
    public var axleLoadTonnes: Double
    public var heightMeters: Double
    public var widthMeters: Double
    public var lengthMeters: Double
    /// Access keys from the most to the least specific (`hgv`, `motor_vehicle`, `vehicle`, `access`).
    public var accessKeys: [String]
    /// Whether this is a heavy goods vehicle, for `hgv=*`, `maxspeed:hgv` and `restriction:hgv`.
    public var isHeavyGoodsVehicle: Bool
    /// Base turn penalty in seconds (the sigmoid's height), as OSRM's `turn_penalty`.
    public var turnPenaltySeconds: Double
    /// Penalty for a u-turn, seconds; heavier vehicles turn around slowly.
    public var uTurnPenaltySeconds: Double
    /// Roads tagged `access=destination`/`hgv=destination` are usable only as a first or last leg; this multiplies their weight.
    public var destinationWeightFactor: Double

    /// The graph file and API name of the profile.
    public var name: String { vehicleClass.rawValue }

    public static func named(_ name: String) -> VehicleProfile? {
        VehicleClass(rawValue: name).map(VehicleProfile.init(vehicleClass:))
    }

    public static var all: [VehicleProfile] { VehicleClass.allCases.map(VehicleProfile.init(vehicleClass:)) }

    public init(vehicleClass: VehicleClass) {
        self.vehicleClass = vehicleClass
        // OSRM car.lua's table, so that the car profile is comparable with OSRM.
        let carSpeeds: [String: Double] = [
            "motorway": 90, "motorway_link": 45, "trunk": 85, "trunk_link": 40,
            "primary": 65, "primary_link": 30, "secondary": 55, "secondary_link": 25,
            "tertiary": 40, "tertiary_link": 20, "unclassified": 25, "residential": 25,
            "living_street": 10, "service": 15,
        ]
        maxspeedFactor = 0.8
        destinationWeightFactor = 5
        switch vehicleClass {
        case .car:
            highwaySpeeds = carSpeeds
            maxSpeedKmh = 180
            motorwayCapKmh = 180
            ruralCapKmh = 180
            weightTonnes = 2
            axleLoadTonnes = 1.2
            heightMeters = 2
            widthMeters = 1.9
            lengthMeters = 4.8
            accessKeys = ["motorcar", "motor_vehicle", "vehicle", "access"]
            isHeavyGoodsVehicle = false
            turnPenaltySeconds = 7.5
            uTurnPenaltySeconds = 20
        case .van:
            // N1 up to 3.5 t: car limits in most of the EU, slower through bends and in town.
            highwaySpeeds = carSpeeds.mapValues { $0 * 0.95 }
            maxSpeedKmh = 130
            motorwayCapKmh = 130
            ruralCapKmh = 90
            weightTonnes = 3.5
            axleLoadTonnes = 2
            heightMeters = 2.7
            widthMeters = 2.1
            lengthMeters = 6.5
            accessKeys = ["goods", "motor_vehicle", "vehicle", "access"]
            isHeavyGoodsVehicle = false
            turnPenaltySeconds = 8.5
            uTurnPenaltySeconds = 30
        case .rigid:
            // N3 rigid, 18–26 t: speed limiter 90 km/h (Directive 92/6/EEC), 80 on most motorways for HGVs.
            highwaySpeeds = Self.truckSpeeds(from: carSpeeds, factor: 0.85)
            maxSpeedKmh = 90
            motorwayCapKmh = 85
            ruralCapKmh = 70
            weightTonnes = 26
            axleLoadTonnes = 10
            heightMeters = 3.8
            widthMeters = 2.55
            lengthMeters = 12
            accessKeys = ["hgv", "goods", "motor_vehicle", "vehicle", "access"]
            isHeavyGoodsVehicle = true
            turnPenaltySeconds = 12
            uTurnPenaltySeconds = 120
        case .articulated:
            // 40 t tractor + semi-trailer, 16.5 m, 4 m high.
            highwaySpeeds = Self.truckSpeeds(from: carSpeeds, factor: 0.8)
            maxSpeedKmh = 90
            motorwayCapKmh = 80
            ruralCapKmh = 70
            weightTonnes = 40
            axleLoadTonnes = 10
            heightMeters = 4
            widthMeters = 2.55
            lengthMeters = 16.5
            accessKeys = ["hgv", "goods", "motor_vehicle", "vehicle", "access"]
            isHeavyGoodsVehicle = true
            turnPenaltySeconds = 15
            uTurnPenaltySeconds = 300
        }
    }

    /// Trucks are slower than cars where the road is narrow or winding (lower classes) more than on motorways.
    private static func truckSpeeds(from car: [String: Double], factor: Double) -> [String: Double] {
        var speeds = car.mapValues { $0 * factor }
        speeds["motorway"] = car["motorway"]
        speeds["trunk"] = (car["trunk"] ?? 85) * 0.95
        speeds["living_street"] = 8
        speeds["service"] = 10
        return speeds
    }
}
