import GeoFleetCore
import GeoFleetTiles
import Testing

/// Tile paths are range-checked before any arithmetic; Web Mercator agrees with OSM's numbering.
struct TileAddressTests {
    @Test("z/x/y within range parse; `.png` is optional on y")
    func parsesValid() throws {
        #expect(try TileAddress.parse(z: "0", x: "0", y: "0.png") == TileAddress(z: 0, x: 0, y: 0))
        #expect(try TileAddress.parse(z: "16", x: "34119", y: "23900.png") == TileAddress(z: 16, x: 34119, y: 23900))
        #expect(try TileAddress.parse(z: "20", x: "1048575", y: "1048575") == TileAddress(z: 20, x: 1_048_575, y: 1_048_575))
    }

    @Test(
        "out of range, negative, huge or non-numeric parts are refused with a message",
        arguments: [
            ("21", "0", "0"), ("-1", "0", "0"), ("99999999999999999999", "0", "0"), ("a", "0", "0"), ("1", "2", "0"),
            ("1", "0", "2.png"), ("3", "-1", "0"), ("3", "0", "1e3"), ("3", "0", ""), ("3", " 1", "0"), ("3", "0", "0.jpg"),
            ("3", "0", "0.png.png"), ("3", "+1", "0"),
        ])
    func refusesInvalid(z: String, x: String, y: String) {
        #expect(throws: TileAddressError.self) { try TileAddress.parse(z: z, x: x, y: y) }
    }

    @Test("the memberwise initialiser refuses x or y of 2^z and zooms past the limit")
    func initialiserRange() {
        #expect(TileAddress(z: 3, x: 8, y: 0) == nil)
        #expect(TileAddress(z: 3, x: 0, y: 8) == nil)
        #expect(TileAddress(z: 21, x: 0, y: 0) == nil)
        #expect(TileAddress(z: 3, x: 7, y: 7) != nil)
    }

    @Test("(0, 0) is the world's centre; 0/0/0 spans the world; a point lands in the tile OSM gives it")
    func projection() throws {
        let centre = WebMercator.pixel(GeoPoint(latitude: 0, longitude: 0), zoom: 1)
        #expect(abs(centre.x - 256) < 1e-9 && abs(centre.y - 256) < 1e-9)
        let world = try #require(TileAddress(z: 0, x: 0, y: 0)).bounds
        #expect(abs(world.west + 180) < 1e-9 && abs(world.east - 180) < 1e-9)
        #expect(abs(world.north - WebMercator.maxLatitude) < 1e-9)
        // Monaco's harbour is in tile 16/34119/23897 (the slippy-map formula, computed apart).
        let p = WebMercator.pixel(GeoPoint(latitude: 43.7350, longitude: 7.4230), zoom: 16)
        #expect(Int(p.x) / 256 == 34119 && Int(p.y) / 256 == 23897)
        let back = WebMercator.coordinate(pixelX: p.x, pixelY: p.y, zoom: 16)
        #expect(abs(back.latitude - 43.7350) < 1e-9 && abs(back.longitude - 7.4230) < 1e-9)
    }
}
