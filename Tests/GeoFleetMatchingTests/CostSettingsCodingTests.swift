import Foundation
import Testing
@testable import GeoFleetMatching

@Suite struct CostSettingsCodingTests {
    @Test("a stored document from before the trip-costing fields reads with their defaults, its five rates as the carrier's")
    func oldDocument() throws {
        let old =
            #"{"driverPay":{"perKm":0,"perHour":18},"fuel":{"perKm":0.4,"perHour":0},"maintenance":{"perKm":0.1,"perHour":0},"tolls":{"perKm":0.2,"perHour":0},"insurance":{"perKm":0,"perHour":2},"baseMargin":0.2}"#
        let s = try JSONDecoder().decode(CostSettings.self, from: Data(old.utf8))
        #expect(s.driverPay.perHour == 18 && s.baseMargin == 0.2)
        #expect(s.currency == "EUR" && s.fuelPricePerLitre == 1.45 && s.vehicleCostPerDay == 150 && s.tollRates.isEmpty)
        #expect(s.fuelConsumption == CostSettings.defaultConsumption)
        #expect(s.explicitFields == ["driverPay", "fuel", "maintenance", "tolls", "insurance", "baseMargin"])
    }

    @Test("every field survives a round trip")
    func roundTrip() throws {
        var s = CostSettings.defaults
        s.currency = "RON"
        s.eurToRon = 4.98
        s.fuelConsumption["van"] = .init(empty: 8, loaded: 10)
        s.tollRates = ["HU": ["articulated": 0.61]]
        s.explicitFields = ["currency", "tollRates"]
        let back = try JSONDecoder().decode(CostSettings.self, from: try JSONEncoder().encode(s))
        #expect(back == s)
    }
}
