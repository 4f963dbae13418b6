import GeoFleetCore
import Testing
@testable import GeoFleetPricing

@Suite struct TollTests {
    @Test("countries: the smallest box wins, outside every box is nil")
    func locator() {
        #expect(CountryLocator.country(of: GeoPoint(latitude: 42.55, longitude: 1.70)) == "AD") // Envalira, inside ES and FR boxes too
        #expect(CountryLocator.country(of: GeoPoint(latitude: 44.43, longitude: 26.10)) == "RO") // Bucharest
        #expect(CountryLocator.country(of: GeoPoint(latitude: 47.50, longitude: 19.04)) == "HU") // Budapest
        #expect(CountryLocator.country(of: GeoPoint(latitude: 42.70, longitude: 23.32)) == "BG") // Sofia
        #expect(CountryLocator.country(of: GeoPoint(latitude: 43.75, longitude: 7.43)) == "FR") // the A8 above Monaco
        #expect(CountryLocator.country(of: GeoPoint(latitude: 43.80, longitude: 7.60)) == "IT") // Sanremo
        // Along Romania's borders.
        #expect(CountryLocator.country(of: GeoPoint(latitude: 46.18, longitude: 21.31)) == "RO") // Arad
        #expect(CountryLocator.country(of: GeoPoint(latitude: 47.05, longitude: 21.93)) == "RO") // Oradea
        #expect(CountryLocator.country(of: GeoPoint(latitude: 45.75, longitude: 21.23)) == "RO") // Timișoara
        #expect(CountryLocator.country(of: GeoPoint(latitude: 43.90, longitude: 25.97)) == "RO") // Giurgiu
        #expect(CountryLocator.country(of: GeoPoint(latitude: 44.35, longitude: 28.03)) == "RO") // Cernavodă bridge
        #expect(CountryLocator.country(of: GeoPoint(latitude: 47.53, longitude: 21.63)) == "HU") // Debrecen
        #expect(CountryLocator.country(of: GeoPoint(latitude: 43.84, longitude: 25.95)) == "BG") // Ruse
        #expect(CountryLocator.country(of: GeoPoint(latitude: 45.38, longitude: 20.39)) == "RS") // Zrenjanin
        #expect(CountryLocator.country(of: GeoPoint(latitude: 0, longitude: 0)) == nil)
    }

    @Test("a carrier's rate replaces the table's, the table's converts to the carrier's currency")
    func rates() throws {
        let eur = try #require(TollRateTable.rate(country: "HU", vehicleClass: "articulated", carrier: [:], currency: .eur, eurToRon: 5))
        #expect(eur.perKm == Exact.decimal(0.55, places: 4) && !eur.carriers)
        let ron = try #require(TollRateTable.rate(country: "HU", vehicleClass: "articulated", carrier: [:], currency: .ron, eurToRon: 5))
        #expect(ron.perKm == Exact.decimal(2.75, places: 4))
        let own = try #require(
            TollRateTable.rate(country: "HU", vehicleClass: "articulated", carrier: ["HU": ["articulated": 0.61]], currency: .eur, eurToRon: 5))
        #expect(own.perKm == Exact.decimal(0.61, places: 4) && own.carriers)
        #expect(TollRateTable.rate(country: "XX", vehicleClass: "van", carrier: [:], currency: .eur, eurToRon: 5) == nil)
        // Every shipped country has every class and sits in a box.
        for (country, byClass) in TollRateTable.standard.rates {
            #expect(Set(byClass.keys) == ["car", "van", "rigid", "articulated"], "\(country)")
            #expect(CountryLocator.boxes.contains { $0.code == country }, "\(country)")
        }
    }
}
