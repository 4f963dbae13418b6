import Testing
@testable import GeoFleetRouting

/// Each profile's reading of way and node tags.
@Suite struct RoadRulesTests {
    let car = RoadRules(profile: VehicleProfile(vehicleClass: .car))
    let van = RoadRules(profile: VehicleProfile(vehicleClass: .van))
    let rigid = RoadRules(profile: VehicleProfile(vehicleClass: .rigid))
    let truck = RoadRules(profile: VehicleProfile(vehicleClass: .articulated))

    @Test("car speeds follow OSRM's car.lua: class speed, or maxspeed × 0.8, then surface caps")
    func carSpeeds() throws {
        #expect(try #require(car.use(of: ["highway": "primary"])).forwardSpeedKmh == 65)
        #expect(try #require(car.use(of: ["highway": "primary", "maxspeed": "50"])).forwardSpeedKmh == 40)
        #expect(try #require(car.use(of: ["highway": "motorway", "maxspeed": "130"])).forwardSpeedKmh == 104)
        #expect(try #require(car.use(of: ["highway": "secondary", "surface": "gravel"])).forwardSpeedKmh == 40)
        #expect(car.use(of: ["highway": "footway"]) == nil)
        #expect(car.use(of: ["highway": "track"]) == nil)
        #expect(car.use(of: ["building": "yes"]) == nil)
    }

    @Test("trucks are capped at the EU HGV limits and use maxspeed:hgv")
    func truckCaps() throws {
        #expect(try #require(truck.use(of: ["highway": "motorway", "maxspeed": "130"])).forwardSpeedKmh == 80)
        #expect(try #require(rigid.use(of: ["highway": "motorway"])).forwardSpeedKmh == 85)
        #expect(try #require(truck.use(of: ["highway": "primary", "maxspeed": "90"])).forwardSpeedKmh == 70)
        #expect(try #require(truck.use(of: ["highway": "trunk", "maxspeed": "100", "maxspeed:hgv": "60"])).forwardSpeedKmh == 48)
        // Cars ignore the HGV limit.
        #expect(try #require(car.use(of: ["highway": "trunk", "maxspeed": "100", "maxspeed:hgv": "60"])).forwardSpeedKmh == 80)
    }

    @Test("hgv=no and hgv=destination bind trucks only; motor_vehicle=no binds everyone")
    func access() throws {
        #expect(truck.use(of: ["highway": "secondary", "hgv": "no"]) == nil)
        #expect(rigid.use(of: ["highway": "secondary", "hgv": "no"]) == nil)
        #expect(van.use(of: ["highway": "secondary", "hgv": "no"]) != nil)
        #expect(car.use(of: ["highway": "secondary", "hgv": "no"]) != nil)
        #expect(try #require(truck.use(of: ["highway": "residential", "hgv": "destination"])).restricted)
        #expect(try #require(car.use(of: ["highway": "residential", "hgv": "destination"])).restricted == false)
        #expect(car.use(of: ["highway": "track", "motor_vehicle": "no"]) == nil)
        #expect(truck.use(of: ["highway": "residential", "access": "no", "hgv": "yes"]) != nil)
        #expect(try #require(car.use(of: ["highway": "service", "access": "private"])).restricted)
        #expect(van.use(of: ["highway": "residential", "goods": "no"]) == nil)
    }

    @Test("maxweight, maxheight, maxwidth and maxlength against each vehicle")
    func dimensions() throws {
        let weight = ["highway": "residential", "maxweight": "3.5"]
        #expect(van.use(of: weight) != nil)
        #expect(rigid.use(of: weight) == nil)
        #expect(truck.use(of: weight) == nil)
        #expect(car.use(of: ["highway": "tertiary", "maxweight": "2.1"]) != nil)
        #expect(van.use(of: ["highway": "tertiary", "maxweight": "2.1"]) == nil)
        #expect(rigid.use(of: ["highway": "residential", "maxweight": "26"]) != nil)
        #expect(truck.use(of: ["highway": "residential", "maxweight": "26"]) == nil)
        #expect(truck.use(of: ["highway": "secondary", "maxheight": "3.8"]) == nil)
        #expect(rigid.use(of: ["highway": "secondary", "maxheight": "3.8"]) != nil)
        #expect(truck.use(of: ["highway": "secondary", "maxheight": "default"]) != nil)
        #expect(truck.use(of: ["highway": "secondary", "maxwidth": "2.3"]) == nil)
        #expect(truck.use(of: ["highway": "tertiary", "maxlength": "8"]) == nil)
        #expect(van.use(of: ["highway": "tertiary", "maxlength": "8"]) != nil)
        #expect(truck.use(of: ["highway": "residential", "maxweight": "40", "maxweight:hgv": "12"]) == nil)
        #expect(truck.use(of: ["highway": "tertiary", "maxaxleload": "8"]) == nil)
        #expect(van.use(of: ["highway": "tertiary", "maxaxleload": "8"]) != nil)
        #expect(try #require(car.use(of: ["highway": "service", "access": "unknown"])).restricted)
    }

    @Test("oneways: yes, -1, implied on motorways and roundabouts, profile-specific keys")
    func oneways() throws {
        let forward = try #require(car.use(of: ["highway": "residential", "oneway": "yes"]))
        #expect(forward.forwardSpeedKmh > 0 && forward.backwardSpeedKmh == 0)
        let backward = try #require(car.use(of: ["highway": "residential", "oneway": "-1"]))
        #expect(backward.forwardSpeedKmh == 0 && backward.backwardSpeedKmh > 0)
        #expect(try #require(car.use(of: ["highway": "motorway"])).backwardSpeedKmh == 0)
        #expect(try #require(car.use(of: ["highway": "motorway", "oneway": "no"])).backwardSpeedKmh > 0)
        #expect(try #require(car.use(of: ["highway": "primary", "junction": "roundabout"])).backwardSpeedKmh == 0)
        #expect(try #require(truck.use(of: ["highway": "primary", "oneway:hgv": "yes"])).backwardSpeedKmh == 0)
        #expect(try #require(car.use(of: ["highway": "primary", "oneway:hgv": "yes"])).backwardSpeedKmh > 0)
        #expect(car.use(of: ["highway": "primary", "oneway": "reversible"]) == nil)
    }

    @Test("routability: narrow, single-lane and parking roads are preferred less, not banned")
    func rates() throws {
        #expect(try #require(car.use(of: ["highway": "service", "service": "parking_aisle"])).forwardRate == 0.5)
        #expect(try #require(car.use(of: ["highway": "residential", "lanes": "1"])).forwardRate == 0.5)
        #expect(try #require(car.use(of: ["highway": "residential", "lanes": "1", "oneway": "yes"])).forwardRate == 1)
        #expect(try #require(car.use(of: ["highway": "residential", "width": "3.5"])).forwardRate == 0.6)
    }

    @Test("nodes: bollards block, gates delay, signals delay, low height restrictors block tall vehicles")
    func nodes() {
        #expect(car.rule(forNode: [:]) == .open)
        #expect(car.rule(forNode: ["barrier": "bollard"]) == .barrier)
        #expect(car.rule(forNode: ["barrier": "bollard", "bollard": "rising"]) == .open)
        #expect(car.rule(forNode: ["barrier": "gate"]) == .delay(60))
        #expect(car.rule(forNode: ["barrier": "toll_booth"]) == .open)
        #expect(car.rule(forNode: ["highway": "traffic_signals"]) == .delay(2))
        #expect(car.rule(forNode: ["barrier": "height_restrictor", "maxheight": "3"]) == .open)
        #expect(truck.rule(forNode: ["barrier": "height_restrictor", "maxheight": "3"]) == .barrier)
        #expect(car.rule(forNode: ["access": "no"]) == .barrier)
    }
}
