import GeoFleetCore
import Testing
@testable import GeoFleetRouting

/// Routes on real OpenStreetMap extracts. Reference distances come from OSRM 26.10 (osrm-bindings,
/// stock car.lua, CH) on the same files: `osrm-routed` + `GET /route/v1/driving/lon,lat;lon,lat?overview=false`.
@Suite(.serialized) struct ExtractRoutingTests {
    struct Reference: Sendable, CustomTestStringConvertible {
        var extract: String
        var from: GeoPoint
        var to: GeoPoint
        var osrmMeters: Double
        var osrmSeconds: Double
        var testDescription: String { "\(extract) \(from.latitude),\(from.longitude) → \(to.latitude),\(to.longitude)" }
    }

    static let references: [Reference] = [
        // Andorra la Vella → Canillo over the CG-2.
        Reference(
            extract: "andorra", from: GeoPoint(latitude: 42.5063, longitude: 1.5218), to: GeoPoint(latitude: 42.5670, longitude: 1.6006),
            osrmMeters: 11745.7, osrmSeconds: 881.2),
        // Sant Julià de Lòria → Encamp.
        Reference(
            extract: "andorra", from: GeoPoint(latitude: 42.4636, longitude: 1.4913), to: GeoPoint(latitude: 42.5347, longitude: 1.5806),
            osrmMeters: 12728.0, osrmSeconds: 1018.9),
        // Vaduz → Schaan.
        Reference(
            extract: "liechtenstein", from: GeoPoint(latitude: 47.1410, longitude: 9.5209), to: GeoPoint(latitude: 47.1660, longitude: 9.5097),
            osrmMeters: 3110.4, osrmSeconds: 284.1),
        // Balzers → Ruggell, the length of the country.
        Reference(
            extract: "liechtenstein", from: GeoPoint(latitude: 47.0660, longitude: 9.4975), to: GeoPoint(latitude: 47.2380, longitude: 9.5253),
            osrmMeters: 21460.6, osrmSeconds: 1605.4),
        // Monaco: Fontvieille → Monte-Carlo.
        Reference(
            extract: "monaco", from: GeoPoint(latitude: 43.7310, longitude: 7.4200), to: GeoPoint(latitude: 43.7450, longitude: 7.4260),
            osrmMeters: 3083.3, osrmSeconds: 236.3),
    ]

    @Test("car routes agree with OSRM on distance (2 %) and duration (15 %)", arguments: references)
    func agreesWithOSRM(_ reference: Reference) async throws {
        let engine = try await ExtractGraphs.engine(reference.extract, .car)
        let route = try engine.route(from: reference.from, to: reference.to)
        #expect(abs(route.distanceMeters / reference.osrmMeters - 1) < 0.02, "\(route.distanceMeters) m vs OSRM \(reference.osrmMeters) m")
        #expect(abs(route.durationSeconds / reference.osrmSeconds - 1) < 0.15, "\(route.durationSeconds) s vs OSRM \(reference.osrmSeconds) s")
        // Sanity independent of OSRM: a road is never shorter than the straight line, and these are not 3× detours.
        let crow = GreatCircle.distanceMeters(
            lat1: reference.from.latitude, lon1: reference.from.longitude, lat2: reference.to.latitude, lon2: reference.to.longitude)
        #expect(route.distanceMeters > crow * 0.98 && route.distanceMeters < crow * 3)
    }

    @Test("the articulated truck is slower than the car on the same leg")
    func truckSlower() async throws {
        let from = GeoPoint(latitude: 47.1410, longitude: 9.5209), to = GeoPoint(latitude: 47.2380, longitude: 9.5253)
        let car = try await ExtractGraphs.engine("liechtenstein", .car).route(from: from, to: to)
        let truck = try await ExtractGraphs.engine("liechtenstein", .articulated).route(from: from, to: to)
        #expect(truck.durationSeconds > car.durationSeconds)
        #expect(abs(truck.distanceMeters / car.distanceMeters - 1) < 0.2)
    }

    @Test("Balzers is cut off for trucks in this extract (Landstrasse motor_vehicle=no with motorcar=yes): no route, not a wrong one")
    func unreachableForTrucks() async throws {
        let balzers = GeoPoint(latitude: 47.0660, longitude: 9.4975), vaduz = GeoPoint(latitude: 47.1410, longitude: 9.5209)
        let truck = try await ExtractGraphs.engine("liechtenstein", .articulated)
        #expect(try #require(truck.snap(balzers)).distanceMeters < 50)
        #expect(throws: RoutingError.noRoute) { try truck.route(from: balzers, to: vaduz) }
        #expect(try await ExtractGraphs.engine("liechtenstein", .car).route(from: balzers, to: vaduz).distanceMeters > 8000)
    }

    @Test("Monaco's Avenue Princesse Grace is oneway: 625 m along it, the way back avoids it (OSRM: 625.5 m and 1107.7 m)")
    func oneway() async throws {
        let engine = try await ExtractGraphs.engine("monaco", .car)
        // Midpoints of its 3rd and 3rd-last segments.
        let start = GeoPoint(latitude: 43.7468574, longitude: 7.4333156), end = GeoPoint(latitude: 43.7417992, longitude: 7.4302798)
        let along = try engine.route(from: start, to: end, geometry: true)
        #expect(abs(along.distanceMeters - 625.5) < 6)
        #expect(along.wayIDs == [182_700_002])
        let back = try engine.route(from: end, to: start, geometry: true)
        #expect(abs(back.distanceMeters / 1107.7 - 1) < 0.02)
        #expect(back.wayIDs?.first == 182_700_002 && back.wayIDs?.last == 182_700_002)
        #expect(back.wayIDs?.count ?? 0 > 2)
    }

    @Test("maxweight=10 on Avenue du Général De Gaulle (Monaco): the van takes it, the 26 t and 40 t trucks go round")
    func maxweight() async throws {
        let start = GeoPoint(latitude: 43.7230189, longitude: 7.3953306), end = GeoPoint(latitude: 43.7251305, longitude: 7.4010631)
        let van = try await ExtractGraphs.engine("monaco", .van).route(from: start, to: end, geometry: true)
        #expect(van.wayIDs?.contains(23_009_810) == true)
        for vehicle in [VehicleClass.rigid, .articulated] {
            let truck = try await ExtractGraphs.engine("monaco", vehicle).route(from: start, to: end, geometry: true)
            #expect(truck.wayIDs?.contains(23_009_810) == false)
            #expect(truck.distanceMeters > van.distanceMeters)
        }
    }

    @Test("maxweight=3.5 on Avenue Prince Albert Ier (Monaco): a 3.5 t van may, a 40 t truck may not")
    func maxweightLimit() async throws {
        let start = GeoPoint(latitude: 43.7460981, longitude: 7.4007734), end = GeoPoint(latitude: 43.7459502, longitude: 7.4014597)
        let van = try await ExtractGraphs.engine("monaco", .van).route(from: start, to: end, geometry: true)
        #expect(abs(van.distanceMeters - 57.7) < 3)
        #expect(van.wayIDs?.first == 155_830_615)
        let truck = try await ExtractGraphs.engine("monaco", .articulated).route(from: start, to: end, geometry: true)
        #expect(truck.wayIDs?.contains(155_830_615) == false)
    }

    @Test("Monaco's only_straight_on restrictions are applied and change routes")
    func restrictions() async throws {
        var network = try await ExtractGraphs.network("monaco")
        let engine = try await ExtractGraphs.engine("monaco", .car)
        #expect(engine.graph.summary.restrictionsApplied > 20)
        network.restrictions = []
        let unrestricted = network
        let free = try await ExtractGraphs.onThread {
            RoutingEngine(
                graph: GraphBuilder.build(
                    network: unrestricted, profile: VehicleProfile(vehicleClass: .car), source: .init(name: "monaco", bytes: 0, modified: 0)))
        }
        // Sample routes across the town: with restrictions some must be longer, none shorter.
        var longer = 0
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            let from = GeoPoint(latitude: .random(in: 43.726...43.750, using: &generator), longitude: .random(in: 7.405...7.435, using: &generator))
            let to = GeoPoint(latitude: .random(in: 43.726...43.750, using: &generator), longitude: .random(in: 7.405...7.435, using: &generator))
            guard let restricted = try? engine.route(from: from, to: to), let open = try? free.route(from: from, to: to) else { continue }
            // Removing restrictions only adds turns, so the optimum can only get cheaper.
            #expect(restricted.weightSeconds >= open.weightSeconds - 0.2)
            if restricted.weightSeconds > open.weightSeconds + 0.5 { longer += 1 }
        }
        #expect(longer > 0)
    }

    @Test("a point at sea is no road nearby; the snapped point and distance come back with a route")
    func snapping() async throws {
        let engine = try await ExtractGraphs.engine("monaco", .car)
        #expect(throws: RoutingError.noRoadNearby(point: "to", limitMeters: 1000)) {
            try engine.route(from: GeoPoint(latitude: 43.7310, longitude: 7.4200), to: GeoPoint(latitude: 43.70, longitude: 7.46))
        }
        let route = try engine.route(from: GeoPoint(latitude: 43.7310, longitude: 7.4200), to: GeoPoint(latitude: 43.7450, longitude: 7.4260))
        // OSRM snapped these 50.1 m and 12.2 m away.
        #expect(abs(route.from.distanceMeters - 50.1) < 2)
        #expect(abs(route.to.distanceMeters - 12.2) < 2)
    }

    @Test("a 30 × 30 matrix equals the single routes")
    func matrix() async throws {
        let engine = try await ExtractGraphs.engine("andorra", .car)
        var generator = SeededGenerator(seed: 11)
        var points: [GeoPoint] = []
        while points.count < 30 {
            let candidate = GeoPoint(latitude: .random(in: 42.46...42.58, using: &generator), longitude: .random(in: 1.45...1.65, using: &generator))
            if let snapped = engine.snap(candidate) { points.append(snapped.location) }
        }
        let matrix = engine.matrix(sources: points, destinations: points)
        for row in 0..<30 {
            for column in 0..<30 {
                let single = try? engine.route(from: points[row], to: points[column])
                #expect(matrix.distances[row][column].map { abs($0 - (single?.distanceMeters ?? -1)) < 0.5 } ?? (single == nil))
            }
        }
    }
}
