import GeoFleetCore
import Testing
@testable import GeoFleetRouting

/// Road class, toll, truck restriction and names per edge, and what a route is made of, on the real
/// Monaco and Andorra extracts (© OpenStreetMap contributors, ODbL).
@Suite(.serialized) struct EdgeAttributeTests {
    /// Every segment (both directions) of the ways the profile pays a toll on, keyed by its end points in 1e-7 degrees.
    static func tollSegments(_ network: RoadNetwork, profile: VehicleProfile) -> Set<[Int32]> {
        let rules = RoadRules(profile: profile)
        var segments: Set<[Int32]> = []
        for way in network.ways where rules.isToll(way.tags) {
            for (a, b) in zip(way.nodes, way.nodes.dropFirst()) where a >= 0 && b >= 0 {
                let pa = [Int32((network.latitudes[Int(a)] * 1e7).rounded()), Int32((network.longitudes[Int(a)] * 1e7).rounded())]
                let pb = [Int32((network.latitudes[Int(b)] * 1e7).rounded()), Int32((network.longitudes[Int(b)] * 1e7).rounded())]
                segments.insert(pa + pb)
                segments.insert(pb + pa)
            }
        }
        return segments
    }

    /// The route's length on tolled ways, measured on its own line: each segment whose two ends are
    /// consecutive nodes of a tolled way.
    static func tollMetersAlongLine(_ line: [GeoPoint], segments: Set<[Int32]>) -> Double {
        var meters = 0.0
        for (a, b) in zip(line, line.dropFirst()) {
            let key = [
                Int32((a.latitude * 1e7).rounded()), Int32((a.longitude * 1e7).rounded()),
                Int32((b.latitude * 1e7).rounded()), Int32((b.longitude * 1e7).rounded()),
            ]
            if segments.contains(key) {
                meters += GreatCircle.distanceMeters(lat1: a.latitude, lon1: a.longitude, lat2: b.latitude, lon2: b.longitude)
            }
        }
        return meters
    }

    struct TollCase: Sendable, CustomTestStringConvertible {
        var extract: String
        var vehicleClass: VehicleClass
        var from: GeoPoint
        var to: GeoPoint
        var testDescription: String { "\(extract) \(vehicleClass.rawValue)" }
    }

    static let tollCases: [TollCase] = [
        // Soldeu → Pas de la Casa: the Envalira tunnel (CG-2a, toll=yes) beats the pass.
        TollCase(
            extract: "andorra", vehicleClass: .car, from: GeoPoint(latitude: 42.5769, longitude: 1.6676),
            to: GeoPoint(latitude: 42.5426, longitude: 1.7330)),
        TollCase(
            extract: "andorra", vehicleClass: .articulated, from: GeoPoint(latitude: 42.5769, longitude: 1.6676),
            to: GeoPoint(latitude: 42.5426, longitude: 1.7330)),
        // Monaco → La Turbie along the A8 (La Provençale, toll=yes) above the town.
        TollCase(
            extract: "monaco", vehicleClass: .car, from: GeoPoint(latitude: 43.7460, longitude: 7.4040),
            to: GeoPoint(latitude: 43.7560, longitude: 7.4470)),
    ]

    @Test("tolled metres on a route are exactly its length on toll=yes ways", arguments: tollCases)
    func tollsCountedExactly(_ c: TollCase) async throws {
        let engine = try await ExtractGraphs.engine(c.extract, c.vehicleClass)
        let network = try await ExtractGraphs.network(c.extract)
        let route = try engine.route(from: c.from, to: c.to, geometry: true)
        let composition = try #require(route.composition)
        let expected = Self.tollMetersAlongLine(route.geometry ?? [], segments: Self.tollSegments(network, profile: engine.profile))
        // Each edge's length is kept in decimetres: a few decimetres of rounding over a handful of edges.
        #expect(abs(composition.tollMeters - expected) < 1.0, "\(composition.tollMeters) m tolled vs \(expected) m on toll ways")
        #expect(abs(composition.totalMeters - route.distanceMeters) < 1.0, "classes sum to \(composition.totalMeters) of \(route.distanceMeters) m")
        for stretch in composition.tollStretches {
            #expect(stretch.meters > 0)
            #expect(engine.covers(stretch.point))
        }
    }

    @Test("the Envalira tunnel route is tolled; the same valley without it is not")
    func tunnelTolled() async throws {
        let engine = try await ExtractGraphs.engine("andorra", .car)
        let through = try #require(
            try engine.route(
                from: GeoPoint(latitude: 42.5769, longitude: 1.6676), to: GeoPoint(latitude: 42.5426, longitude: 1.7330), geometry: true
            ).composition)
        #expect(through.tollMeters > 2_500, "the tunnel is 2.9 km long: \(through.tollMeters) m")
        #expect(through.tollStretches.contains { $0.ref == "CG-2a" })
        // Andorra la Vella → Encamp stays on the free CG-2.
        let free = try #require(
            try engine.route(
                from: GeoPoint(latitude: 42.5063, longitude: 1.5218), to: GeoPoint(latitude: 42.5347, longitude: 1.5806), geometry: true
            ).composition)
        #expect(free.tollMeters == 0)
        #expect((free.metersByClass[.trunk] ?? 0) + (free.metersByClass[.primary] ?? 0) > free.totalMeters * 0.5)
    }

    @Test("edge attributes: classes, names and refs from the tags; toll and truck flags per profile")
    func attributesFromTags() async throws {
        let engine = try await ExtractGraphs.engine("monaco", .car)
        let graph = engine.graph
        var classes: Set<RoadClass> = []
        var named = 0
        var tolled = 0
        var truckRestricted = 0
        for edge in 0..<graph.edgeCount {
            let info = graph.edgeInfo(edge)
            classes.insert(info.roadClass)
            if info.name != nil { named += 1 }
            if info.isToll {
                tolled += 1
                #expect(info.roadClass == .motorway, "only the A8 is tolled in this extract")
                #expect(info.ref == "A 8")
            }
            if info.truckRestricted { truckRestricted += 1 }
        }
        #expect(classes.isSuperset(of: [.motorway, .primary, .secondary, .tertiary, .residential, .service]))
        #expect(named > graph.edgeCount / 4)
        #expect(tolled > 0)
        #expect(truckRestricted > 0)
        // The articulated graph has none of the ways closed to it.
        let truck = try await ExtractGraphs.engine("monaco", .articulated).graph
        let truckNetwork = try await ExtractGraphs.network("monaco")
        let closed = Set(truckNetwork.ways.filter { RoadRules(profile: truck.profile).use(of: $0.tags) == nil }.map(\.id))
        for edge in 0..<truck.edgeCount { #expect(!closed.contains(truck.wayIDs[edge])) }
    }

    @Test("edges in a box: every edge whose bounding box meets it, and no other")
    func edgesInBox() async throws {
        let graph = try await ExtractGraphs.engine("monaco", .car).graph
        let (south, west, north, east) = (43.735, 7.415, 43.742, 7.428)
        let found = graph.edges(south: south, west: west, north: north, east: east)
        let expected = (0..<graph.edgeCount).filter { edge in
            let box = graph.boundingBox(edge)
            return box.north >= south && box.south <= north && box.east >= west && box.west <= east
        }
        #expect(found == expected)
        #expect(found.count > 50)
        #expect(graph.edges(south: 10, west: 10, north: 11, east: 11).isEmpty)
        #expect(graph.edges(south: 44, west: 7, north: 43, east: 8).isEmpty, "south above north is no box")
        #expect(graph.edges(south: .nan, west: 7, north: 44, east: 8).isEmpty)
        let points = graph.edgePoints(found[0])
        #expect(points.count >= 2)
    }

    @Test("attributes survive the graph file; a version 1 file is refused with a rebuild hint")
    func fileRoundTrip() async throws {
        let graph = try await ExtractGraphs.engine("monaco", .rigid).graph
        var bytes = graph.serialized()
        let read = try RoutingGraph(serialized: bytes)
        for edge in stride(from: 0, to: graph.edgeCount, by: 7) { #expect(read.edgeInfo(edge) == graph.edgeInfo(edge)) }
        bytes[RoutingGraph.magic.count] = 1
        #expect(throws: RoutingGraphFileError.unsupportedVersion(1)) { try RoutingGraph(serialized: bytes) }
    }
}
