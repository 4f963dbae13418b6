import GeoFleetCore
import Testing
@testable import GeoFleetRouting

/// The builder and the engine on networks whose answers are known by construction.
@Suite struct SyntheticRoutingTests {
    /// A straight 1 km residential street A–B–C (B in the middle).
    func street(_ tags: [String: String] = ["highway": "residential"]) -> SyntheticNetwork {
        var net = SyntheticNetwork()
        net.node("A", 0, 0)
        net.node("B", 500, 0)
        net.node("C", 1000, 0)
        net.way(["A", "B", "C"], tags)
        return net
    }

    @Test("along a straight street: distance from snapped point to snapped point, duration at the class speed")
    func straight() throws {
        let net = street()
        let route = try net.engine().route(from: net.point(100, 20), to: net.point(900, -10))
        #expect(abs(route.distanceMeters - 800) < 1)
        // 25 km/h on residential roads (OSRM's car.lua).
        #expect(abs(route.durationSeconds - 800 / (25 / 3.6)) < 0.5)
        #expect(abs(route.from.distanceMeters - 20) < 0.1)
        #expect(abs(route.to.distanceMeters - 10) < 0.1)
    }

    @Test("a oneway is driven only one way: against it there is no route on a lone street")
    func oneway() throws {
        let net = street(["highway": "residential", "oneway": "yes"])
        let engine = net.engine()
        #expect(abs(try engine.route(from: net.point(100, 0), to: net.point(900, 0)).distanceMeters - 800) < 1)
        #expect(throws: RoutingError.noRoute) { try engine.route(from: net.point(900, 0), to: net.point(100, 0)) }
    }

    @Test("target behind the source on a oneway loop: the route goes once around the block")
    func loopBack() throws {
        var net = SyntheticNetwork()
        net.node("A", 0, 0); net.node("B", 1000, 0); net.node("C", 1000, 1000); net.node("D", 0, 1000)
        net.way(["A", "B", "C", "D", "A"], ["highway": "residential", "oneway": "yes"])
        let engine = net.engine()
        // From x=600 back to x=400 on the bottom side: 400 to B, 3 sides... = 400 + 1000 + 1000 + 1000 + 400.
        let route = try engine.route(from: net.point(600, 0), to: net.point(400, 0), geometry: true)
        #expect(abs(route.distanceMeters - 3800) < 1)
        let line = try #require(route.geometry)
        #expect(line.count >= 6)
    }

    @Test("u-turns only at dead ends: a two-way dead end lets the car turn and come back")
    func deadEnd() throws {
        let net = street()
        let engine = net.engine()
        let route = try engine.route(from: net.point(600, 0), to: net.point(400, 0))
        #expect(abs(route.distanceMeters - 200) < 1)
    }

    @Test("a bollard splits the street: no route through, routes on each side still work")
    func barrier() throws {
        var net = SyntheticNetwork()
        net.node("A", 0, 0)
        net.node("B", 500, 0, tags: ["barrier": "bollard"])
        net.node("C", 1000, 0)
        net.way(["A", "B", "C"])
        let engine = net.engine()
        #expect(throws: RoutingError.noRoute) { try engine.route(from: net.point(100, 0), to: net.point(900, 0)) }
        #expect(abs(try engine.route(from: net.point(100, 0), to: net.point(400, 0)).distanceMeters - 300) < 1)
    }

    /// A cross at X with arms N, S, E, W of 500 m each.
    func cross() -> (SyntheticNetwork, west: Int64, north: Int64, east: Int64, south: Int64) {
        var net = SyntheticNetwork()
        net.node("X", 0, 0); net.node("W", -500, 0); net.node("N", 0, 500); net.node("E", 500, 0); net.node("S", 0, -500)
        let west = net.way(["W", "X"])
        let north = net.way(["X", "N"])
        let east = net.way(["X", "E"])
        let south = net.way(["X", "S"])
        return (net, west, north, east, south)
    }

    @Test("no_left_turn from the west arm to the north arm is obeyed; without it the turn is direct")
    func noLeftTurn() throws {
        var (net, west, north, _, _) = cross()
        let free = net.engine()
        let direct = try free.route(from: net.point(-300, 0), to: net.point(0, 300))
        #expect(abs(direct.distanceMeters - 600) < 1)
        net.restriction(from: west, via: "X", to: north, "no_left_turn")
        let restricted = net.engine()
        // Right or straight and back: every alternative is longer (u-turns only at the arms' dead ends).
        let detour = try restricted.route(from: net.point(-300, 0), to: net.point(0, 300), geometry: true)
        #expect(detour.distanceMeters > 1500)
        #expect(detour.wayIDs != [west, north])
    }

    @Test("only_straight_on: from the west arm only the east arm may follow")
    func onlyStraightOn() throws {
        var (net, west, _, east, south) = cross()
        net.restriction(from: west, via: "X", to: east, "only_straight_on")
        let engine = net.engine()
        let toSouth = try engine.route(from: net.point(-300, 0), to: net.point(0, -300), geometry: true)
        #expect(toSouth.wayIDs?.first == west)
        #expect(toSouth.wayIDs?[1] == east)
        #expect(toSouth.wayIDs?.last == south)
    }

    @Test("restriction:hgv binds trucks, not cars")
    func hgvRestriction() throws {
        var (net, west, north, _, _) = cross()
        net.restriction(from: west, via: "X", to: north, "no_left_turn", key: "restriction:hgv")
        #expect(abs(try net.engine(.car).route(from: net.point(-300, 0), to: net.point(0, 300)).distanceMeters - 600) < 1)
        #expect(try net.engine(.articulated).route(from: net.point(-300, 0), to: net.point(0, 300)).distanceMeters > 1500)
    }

    @Test("two equal disconnected grids: points on each snap, the pair has no route; far off is no road nearby")
    func disconnected() throws {
        var net = SyntheticNetwork()
        net.grid(prefix: "a", size: 4, spacing: 200)
        net.grid(prefix: "b", size: 4, spacing: 200, originX: 5000)
        let engine = net.engine()
        #expect(throws: RoutingError.noRoute) { try engine.route(from: net.point(100, 0), to: net.point(5100, 0)) }
        #expect(throws: RoutingError.noRoadNearby(point: "to", limitMeters: 200)) {
            try engine.route(from: net.point(100, 0), to: net.point(2500, 300))
        }
    }

    @Test("the matrix equals one route per cell, including same-street and loop cells")
    func matrixMatchesRoutes() throws {
        var net = SyntheticNetwork()
        net.grid(size: 5, spacing: 300)
        net.node("o1", 1500, 0); net.node("o2", 1500, 1200)
        net.way(["g4,0", "o1", "o2", "g4,4"], ["highway": "primary", "oneway": "yes"])
        let engine = net.engine()
        let points = [net.point(10, 10), net.point(610, 300), net.point(1500, 600), net.point(1200, 450), net.point(590, 300)]
        let matrix = engine.matrix(sources: points, destinations: points)
        for (row, source) in points.enumerated() {
            for (column, target) in points.enumerated() {
                let route = try engine.route(from: source, to: target)
                #expect(abs((matrix.distances[row][column] ?? -1) - route.distanceMeters) < 0.2, "cell \(row),\(column)")
                #expect(abs((matrix.durations[row][column] ?? -1) - route.durationSeconds) < 0.2, "cell \(row),\(column)")
            }
        }
    }

    @Test("the graph file round-trips; a truncated or foreign file is refused")
    func graphFile() throws {
        var net = SyntheticNetwork()
        net.grid(size: 4, spacing: 250)
        let engine = net.engine()
        let bytes = engine.graph.serialized()
        let reloaded = RoutingEngine(graph: try RoutingGraph(serialized: bytes), maxSnapMeters: 200)
        let a = try engine.route(from: net.point(0, 0), to: net.point(750, 500))
        let b = try reloaded.route(from: net.point(0, 0), to: net.point(750, 500))
        #expect(a.distanceMeters == b.distanceMeters && a.durationSeconds == b.durationSeconds)
        #expect(throws: RoutingGraphFileError.self) { try RoutingGraph(serialized: Array(bytes.prefix(bytes.count / 2))) }
        #expect(throws: RoutingGraphFileError.notAGraphFile("graph")) { try RoutingGraph(serialized: Array("not a graph".utf8)) }
    }
}
