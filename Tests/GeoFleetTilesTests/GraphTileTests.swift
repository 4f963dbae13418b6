import Foundation
import GeoFleetCore
import GeoFleetTiles
import Testing

@testable import GeoFleetRouting

/// Tiles drawn from the real Monaco graph (© OpenStreetMap contributors, ODbL): roads land where the graph puts them.
struct GraphTileTests {
    static let graph: RoutingGraph? = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fixtures/osm/monaco.osm.pbf").path
        guard let network = try? RoadNetwork.read(pbf: path) else { return nil }
        return GraphBuilder.build(network: network, profile: VehicleProfile(vehicleClass: .car), source: .init(name: "monaco", bytes: 0, modified: 0))
    }()

    func metres(_ a: GeoPoint, _ b: GeoPoint) -> Double {
        GreatCircle.distanceMeters(lat1: a.latitude, lon1: a.longitude, lat2: b.latitude, lon2: b.longitude)
    }

    @Test("at zoom 14 the pixel under the middle of primary and secondary edges has their class's colour (or a bigger road's)")
    func roadsWhereTheGraphPutsThem() throws {
        let graph = try #require(Self.graph)
        let renderer = TileRenderer(source: GraphTileRoads(graph: graph))
        let zoom = 14
        var checked = 0
        var exact = 0
        for edge in 0..<graph.edgeCount where checked < 30 {
            let info = graph.edgeInfo(edge)
            let points = graph.edgePoints(edge)
            guard [.primary, .secondary].contains(info.roadClass), !info.isLink, points.count >= 2 else { continue }
            // The middle of the edge's longest segment, so the road runs straight through the sampled pixel.
            let (a, b) = zip(points, points.dropFirst()).max { metres($0.0, $0.1) < metres($1.0, $1.1) }!
            guard metres(a, b) > 60 else { continue }
            let middle = GeoPoint(latitude: (a.latitude + b.latitude) / 2, longitude: (a.longitude + b.longitude) / 2)
            let p = WebMercator.pixel(middle, zoom: zoom)
            let address = try #require(TileAddress(z: zoom, x: Int(p.x) / 256, y: Int(p.y) / 256))
            let canvas = try #require(renderer.draw(address, layer: .roads))
            let pixel = canvas.pixel(x: Int(p.x) % 256, y: Int(p.y) % 256).colour
            checked += 1
            if pixel == RoadStyle.fill(info.roadClass) { exact += 1 }
            #expect(pixel != RoadStyle.background, "edge \(edge) (\(info.roadClass)) at \(middle) is not drawn")
        }
        #expect(checked >= 10)
        // Casings and crossing roads cover a few; most must show exactly their own colour.
        #expect(exact * 10 >= checked * 7, "\(exact) of \(checked) exact")
    }

    @Test("a tile far from Monaco is plain background; the restrictions layer over Monaco has no opaque pixel off restricted roads")
    func emptyAreaIsBlank() throws {
        let graph = try #require(Self.graph)
        let renderer = TileRenderer(source: GraphTileRoads(graph: graph))
        let far = try #require(TileAddress(z: 14, x: 100, y: 100))
        let canvas = try #require(renderer.draw(far, layer: .roads))
        let drawn = canvas.firstPixel(notColoured: RoadStyle.background, step: 2)
        #expect(drawn == nil, "pixel \(String(describing: drawn)) of an empty tile is drawn")
    }

    @Test("the graph source's identity names the graph, and its roads at zoom 8 are only the big classes")
    func sourceFiltersByClass() throws {
        let graph = try #require(Self.graph)
        let source = GraphTileRoads(graph: graph)
        #expect(source.identity.contains("monaco") && source.identity.contains("car"))
        let box = GeoBox(south: 43.72, west: 7.40, north: 43.76, east: 7.44)
        let all = source.roads(in: box, minimum: .service)
        let big = source.roads(in: box, minimum: .primary)
        #expect(all.count > big.count && !big.isEmpty)
        #expect(big.allSatisfy { $0.roadClass.rawValue <= RoadClass.primary.rawValue })
    }
}
