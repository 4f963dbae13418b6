import Testing
@testable import GeoFleetRouting

/// OSM's free-form numeric tags, as they appear in real data.
@Suite struct TagValuesTests {
    @Test("maxspeed: numbers, units, zones, none, walk, lists")
    func speeds() {
        #expect(TagValues.speedKmh("50") == 50)
        #expect(TagValues.speedKmh("50 km/h") == 50)
        #expect(abs(TagValues.speedKmh("30 mph")! - 48.28032) < 1e-9)
        #expect(TagValues.speedKmh("RO:urban") == 50)
        #expect(TagValues.speedKmh("ro:motorway") == 130)
        #expect(TagValues.speedKmh("XX:rural") == 90)
        #expect(TagValues.speedKmh("none") == 140)
        #expect(TagValues.speedKmh("walk") == 5)
        #expect(TagValues.speedKmh("50;70") == 50)
        #expect(TagValues.speedKmh("signals") == nil)
        #expect(TagValues.speedKmh("0") == nil)
        #expect(TagValues.speedKmh(nil) == nil)
    }

    @Test("maxweight in tonnes: t, kg, bare numbers; junk is ignored")
    func weights() {
        #expect(TagValues.weightTonnes("7.5") == 7.5)
        #expect(TagValues.weightTonnes("7.5 t") == 7.5)
        #expect(TagValues.weightTonnes("7500 kg") == 7.5)
        #expect(TagValues.weightTonnes("18 Nn326058706") == 18)
        #expect(TagValues.weightTonnes("unsigned") == nil)
    }

    @Test("maxheight in metres: m, comma decimals, feet and inches; default/none mean no limit")
    func lengths() {
        #expect(TagValues.lengthMeters("4") == 4)
        #expect(TagValues.lengthMeters("4.2 m") == 4.2)
        #expect(TagValues.lengthMeters("3,8") == 3.8)
        #expect(abs(TagValues.lengthMeters("14'6\"")! - 4.4196) < 1e-9)
        #expect(abs(TagValues.lengthMeters("12 ft")! - 3.6576) < 1e-9)
        #expect(TagValues.lengthMeters("default") == nil)
        #expect(TagValues.lengthMeters("none") == nil)
        #expect(TagValues.lengthMeters("below_default") == nil)
    }
}
