import GeoFleetCore
import GeoFleetRouting
import GeoFleetTiles
import Testing

/// A fixed list of roads standing in for the road graph.
struct FixedRoads: TileRoadSource {
    var roads: [TileRoad]
    var identity: String { "fixed-\(roads.count)" }

    func roads(in box: GeoBox, minimum: RoadClass) -> [TileRoad] {
        // The graph's index answers by bounding box; so does this.
        roads.filter { road in
            let lats = road.points.map(\.latitude)
            let lons = road.points.map(\.longitude)
            return road.roadClass.rawValue <= minimum.rawValue && lats.min()! <= box.north && lats.max()! >= box.south && lons.min()! <= box.east
                && lons.max()! >= box.west
        }
    }
}

/// The renderer draws roads where they are, in their class's colour, and nothing where there are none.
struct TileRendererTests {
    /// Tile 16/34119/23897 (Monaco) and the latitude of its middle row.
    let address = TileAddress(z: 16, x: 34119, y: 23897)!
    var middle: GeoPoint {
        WebMercator.coordinate(pixelX: Double(address.x * 256 + 128), pixelY: Double(address.y * 256 + 128), zoom: 16)
    }

    /// A primary road straight across the tile, west to east through its middle, and a restricted street down it.
    var roads: FixedRoads {
        let b = address.bounds
        return FixedRoads(roads: [
            TileRoad(
                roadClass: .primary, name: "Boulevard Albert 1er",
                points: [
                    GeoPoint(latitude: middle.latitude, longitude: b.west - 0.01), GeoPoint(latitude: middle.latitude, longitude: b.east + 0.01),
                ]),
            TileRoad(
                roadClass: .residential, truckRestricted: true,
                points: [
                    GeoPoint(latitude: b.north + 0.01, longitude: middle.longitude), GeoPoint(latitude: b.south - 0.01, longitude: middle.longitude),
                ]),
        ])
    }

    @Test("a road's projected position has its class's fill colour; far from it the background shows")
    func roadDrawn() throws {
        let canvas = try #require(TileRenderer(source: roads).draw(address, layer: .roads))
        // The primary is drawn over the residential street it crosses.
        #expect(canvas.pixel(x: 128, y: 128).colour == RoadStyle.fill(.primary))
        #expect(canvas.pixel(x: 40, y: 128).colour == RoadStyle.fill(.primary))
        #expect(canvas.pixel(x: 128, y: 40).colour == RoadStyle.fill(.residential))
        #expect(canvas.pixel(x: 40, y: 40).colour == RoadStyle.background)
        #expect(canvas.pixel(x: 40, y: 40).alpha == 255)
    }

    @Test("a tile far from every road is plain background, every pixel")
    func emptyTileIsBlank() throws {
        let empty = try #require(TileAddress(z: 16, x: 100, y: 100))
        let canvas = try #require(TileRenderer(source: roads).draw(empty, layer: .roads))
        let drawn = canvas.firstPixel(notColoured: RoadStyle.background)
        #expect(drawn == nil, "pixel \(String(describing: drawn)) is not background")
    }

    @Test("below a class's zoom it is not drawn: residential streets vanish at zoom 10")
    func classByZoom() throws {
        let source = FixedRoads(roads: roads.roads.filter { $0.roadClass == .residential })
        let tile = try #require(TileAddress(z: 10, x: address.x >> 6, y: address.y >> 6))
        let canvas = try #require(TileRenderer(source: source).draw(tile, layer: .roads))
        #expect(canvas.firstPixel(notColoured: RoadStyle.background) == nil)
        // The same street at zoom 16 is drawn (the test could fail).
        let near = try #require(TileRenderer(source: source).draw(address, layer: .roads))
        #expect(near.pixel(x: 128, y: 40).colour == RoadStyle.fill(.residential))
    }

    @Test("the restrictions layer is transparent but for restricted roads, drawn in the restriction colour")
    func restrictionsLayer() throws {
        let canvas = try #require(TileRenderer(source: roads).draw(address, layer: .restrictions))
        #expect(canvas.pixel(x: 40, y: 128).alpha == 0)
        #expect(canvas.pixel(x: 40, y: 40).alpha == 0)
        // Dashed: somewhere along the street's column the colour shows.
        let column = (0..<256).map { canvas.pixel(x: 128, y: $0) }
        #expect(column.contains { $0.alpha > 200 && $0.colour.red > 200 && $0.colour.green < 80 })
        #expect(column.contains { $0.alpha == 0 })
    }

    @Test("without a graph the base layer is a grid: lines on the tile's edges, background inside")
    func gridWithoutGraph() throws {
        let canvas = try #require(TileRenderer(source: nil).draw(address, layer: .roads))
        #expect(canvas.pixel(x: 0, y: 100).colour == RoadStyle.grid)
        #expect(canvas.pixel(x: 100, y: 64).colour == RoadStyle.grid)
        #expect(canvas.pixel(x: 30, y: 30).colour == RoadStyle.background)
    }

    @Test("the PNG encoding is a PNG, and the same tile encodes to the same bytes")
    func pngStable() {
        let renderer = TileRenderer(source: roads)
        let a = renderer.render(address, layer: .roads)
        #expect(Array(a.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(a == renderer.render(address, layer: .roads))
    }
}
