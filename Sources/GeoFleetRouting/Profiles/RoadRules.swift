/// What a profile makes of one OSM way: per-direction speed and routing rate, and whether it is restricted.
public struct RoadUse: Sendable, Equatable {
    /// km/h along the way's node order; 0 when the vehicle may not drive that way.
    public var forwardSpeedKmh: Double
    /// km/h against the way's node order; 0 when the vehicle may not drive that way.
    public var backwardSpeedKmh: Double
    /// Preference factor ≤ 1: the routing weight is duration / rate (narrow roads, parking aisles), as OSRM's "routability".
    public var forwardRate: Double
    public var backwardRate: Double
    /// `destination`/`delivery`/`private` roads: usable at the start or end of a route, not as a through route.
    public var restricted: Bool
    public var isRoundabout: Bool
    public var highway: String
}

/// What a profile makes of one OSM node.
public enum NodeRule: Sendable, Equatable {
    case open
    /// The node blocks passage (bollard, gate without access, low height restrictor).
    case barrier
    /// Passable with a delay in seconds (a gate to open, traffic signals).
    case delay(Double)
}

/// Applies a `VehicleProfile` to OSM tags: access, oneways, speeds, legal caps, dimensions.
public struct RoadRules: Sendable {
    public let profile: VehicleProfile

    public init(profile: VehicleProfile) { self.profile = profile }

    static let accessAllowed: Set<String> = ["yes", "permissive", "designated", "motorcar", "motor_vehicle", "vehicle", "hgv", "goods", "official"]
    static let accessRestricted: Set<String> = ["destination", "delivery", "private", "customers", "permit", "residents", "unknown"]
    static let accessDenied: Set<String> = [
        "no", "agricultural", "forestry", "emergency", "psv", "bus", "taxi", "foot", "bicycle",
        "military", "restricted", "discouraged",
    ]
    static let avoid: Set<String> = ["yes"]
    static let surfaceSpeeds: [String: Double] = [
        "cement": 80, "compacted": 80, "fine_gravel": 80, "paving_stones": 60, "metal": 60, "bricks": 60,
        "grass": 40, "wood": 40, "sett": 40, "grass_paver": 40, "gravel": 40, "unpaved": 40, "ground": 40,
        "dirt": 40, "pebblestone": 40, "cobblestone": 30, "clay": 30, "earth": 20, "stone": 20, "rocky": 20,
        "sand": 20, "mud": 10,
    ]
    static let serviceRates: [String: Double] = [
        "alley": 0.5, "parking": 0.5, "parking_aisle": 0.5, "driveway": 0.5, "drive-through": 0.5, "drive-thru": 0.5,
    ]
    static let barrierPassable: Set<String> = [
        "cattle_grid", "border_control", "toll_booth", "sally_port", "no", "entrance", "height_restrictor", "arch",
    ]

    /// The profile's view of a way, or nil when the vehicle cannot use it at all.
    public func use(of tags: [String: String]) -> RoadUse? {
        guard let highway = tags["highway"], let classSpeed = profile.highwaySpeeds[highway] else { return nil }
        if tags["area"] == "yes" || tags["impassable"] == "yes" || tags["status"] == "impassable" { return nil }
        if let service = tags["service"], service == "emergency_access" { return nil }

        // Access: the most specific key present decides (hgv before motor_vehicle before access).
        var restricted = false
        if let access = firstValue(tags, keys: profile.accessKeys) {
            if Self.accessDenied.contains(access) { return nil }
            if Self.accessRestricted.contains(access) { restricted = true }
        }
        if !fitsDimensions(tags) { return nil }

        // Oneway, with the profile's specific keys first (oneway:hgv, oneway:motor_vehicle…).
        let onewayKeys = profile.accessKeys.filter { $0 != "access" }.map { "oneway:" + $0 } + ["oneway"]
        let oneway = firstValue(tags, keys: onewayKeys)
        let junction = tags["junction"]
        let isRoundabout = junction == "roundabout" || junction == "circular"
        var forward = true
        var backward = true
        switch oneway {
        case "yes", "1", "true": backward = false
        case "-1", "reverse": forward = false
        case "no", "false", "0": break
        case "reversible", "alternating": return nil
        default:
            if highway == "motorway" || isRoundabout { backward = false }
        }

        var forwardSpeed = speed(tags, highway: highway, classSpeed: classSpeed, direction: "forward")
        var backwardSpeed = speed(tags, highway: highway, classSpeed: classSpeed, direction: "backward")
        if !forward { forwardSpeed = 0 }
        if !backward { backwardSpeed = 0 }
        guard forwardSpeed > 0 || backwardSpeed > 0 else { return nil }

        // Preference, as OSRM's routability: narrow, single-lane and parking roads are avoided, not banned.
        var rate = 1.0
        if let service = tags["service"], let serviceRate = Self.serviceRates[service] { rate = min(rate, serviceRate) }
        let bidirectional = forwardSpeed > 0 && backwardSpeed > 0
        if bidirectional {
            if let width = TagValues.lengthMeters(tags["width"]) {
                if width <= 3 {
                    rate = min(rate, 0.5)
                } else if width < 4 {
                    rate = min(rate, 0.6)
                } else if width < 5 {
                    rate = min(rate, 0.75)
                } else if width < 6 {
                    rate = min(rate, 0.8)
                }
            }
            if let lanes = tags["lanes"].flatMap({ Int($0.prefix { $0.isNumber }) }), lanes <= 1 { rate = min(rate, 0.5) }
        }
        if tags["side_road"] == "yes" || tags["side_road"] == "rotary" { rate = min(rate, 0.8) }
        return RoadUse(
            forwardSpeedKmh: forwardSpeed, backwardSpeedKmh: backwardSpeed,
            forwardRate: rate, backwardRate: rate, restricted: restricted,
            isRoundabout: isRoundabout, highway: highway
        )
    }

    /// The profile's view of a node on a road.
    public func rule(forNode tags: [String: String]) -> NodeRule {
        if tags.isEmpty { return .open }
        if let access = firstValue(tags, keys: profile.accessKeys), Self.accessDenied.contains(access) { return .barrier }
        if let barrier = tags["barrier"] {
            if barrier == "height_restrictor", let height = TagValues.lengthMeters(tags["maxheight"]), height < profile.heightMeters {
                return .barrier
            }
            if barrier == "gate" || barrier == "lift_gate" { return .delay(60) }
            let risingBollard = tags["bollard"] == "rising"
            let flatKerb = barrier == "kerb" && (tags["kerb"] == "lowered" || tags["kerb"] == "flush")
            if !Self.barrierPassable.contains(barrier) && !risingBollard && !flatKerb { return .barrier }
        }
        if tags["highway"] == "traffic_signals" { return .delay(2) }
        if tags["highway"] == "stop" { return .delay(2) }
        if tags["highway"] == "give_way" { return .delay(1) }
        return .open
    }

    /// maxweight / maxheight / maxwidth / maxlength against the vehicle, with the `:hgv` variants for trucks.
    func fitsDimensions(_ tags: [String: String]) -> Bool {
        func limit(_ key: String, _ parse: (String?) -> Double?) -> Double? {
            if profile.isHeavyGoodsVehicle, let value = parse(tags[key + ":hgv"]) { return value }
            return parse(tags[key])
        }
        if let weight = limit("maxweight", TagValues.weightTonnes), profile.weightTonnes > weight { return false }
        if profile.isHeavyGoodsVehicle, let rating = TagValues.weightTonnes(tags["maxweightrating:hgv"]), profile.weightTonnes > rating {
            return false
        }
        if let axle = TagValues.weightTonnes(tags["maxaxleload"]), profile.axleLoadTonnes > axle { return false }
        if let height = limit("maxheight", TagValues.lengthMeters), profile.heightMeters > height { return false }
        if let width = limit("maxwidth", TagValues.lengthMeters), profile.widthMeters > width { return false }
        if let length = limit("maxlength", TagValues.lengthMeters), profile.lengthMeters > length { return false }
        return true
    }

    /// Speed in one direction: the class speed, or the tagged limit (the HGV one for trucks) × the profile's factor,
    /// then the surface cap and the vehicle's legal and technical caps.
    func speed(_ tags: [String: String], highway: String, classSpeed: Double, direction: String) -> Double {
        var speed = classSpeed
        var tagged: Double?
        if profile.isHeavyGoodsVehicle {
            tagged = TagValues.speedKmh(tags["maxspeed:hgv:" + direction]) ?? TagValues.speedKmh(tags["maxspeed:hgv"])
        }
        tagged =
            tagged ?? TagValues.speedKmh(tags["maxspeed:" + direction]) ?? TagValues.speedKmh(tags["maxspeed:advisory"])
            ?? TagValues.speedKmh(tags["maxspeed"])
        if let tagged { speed = tagged * profile.maxspeedFactor }
        if let surface = tags["surface"], let cap = Self.surfaceSpeeds[surface] { speed = min(speed, cap) }
        let motorway = highway.hasPrefix("motorway") || highway.hasPrefix("trunk")
        speed = min(speed, motorway ? profile.motorwayCapKmh : profile.ruralCapKmh, profile.maxSpeedKmh)
        return max(speed, 1)
    }

    private func firstValue(_ tags: [String: String], keys: [String]) -> String? {
        for key in keys { if let value = tags[key] { return value } }
        return nil
    }
}
