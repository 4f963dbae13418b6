import Foundation
import Testing
@testable import GeoFleetPricing

@Suite struct MoneyTests {
    @Test("cents round halves away from zero and print with two places")
    func rounding() {
        #expect(Money(rounding: Decimal(string: "1.005")!, currency: .eur).decimalString == "1.01")
        #expect(Money(rounding: Decimal(string: "1.004")!, currency: .eur).decimalString == "1.00")
        #expect(Money(rounding: Decimal(string: "-0.055")!, currency: .ron).decimalString == "-0.06")
        #expect(Money(cents: 5, currency: .eur).decimalString == "0.05")
        #expect(Money(cents: 123_456, currency: .eur).description == "1234.56 EUR")
    }

    @Test("doubles enter as decimals with fixed places: 0.1 + 0.2 is 0.3 in cents")
    func exactDecimals() {
        let a = Exact.decimal(0.1, places: 4), b = Exact.decimal(0.2, places: 4)
        #expect(a + b == Decimal(string: "0.3")!)
        #expect(Exact.decimal(12.3456, places: 3) == Decimal(string: "12.346")!)
        #expect(Exact.decimal(.nan, places: 3) == 0)
        #expect(Exact.string(Decimal(string: "4.5")!, places: 3) == "4.500")
        #expect(Exact.string(Decimal(7), places: 2) == "7.00")
    }

    @Test("currency factors: EUR → RON at the rate, RON → EUR its inverse")
    func currencies() {
        let rate = Decimal(string: "5.05")!
        #expect(Currency.eur.factor(to: .ron, eurToRon: rate) == rate)
        #expect(Money(rounding: 100 * Currency.ron.factor(to: .eur, eurToRon: rate), currency: .eur).decimalString == "19.80")
        #expect(Currency.eur.factor(to: .eur, eurToRon: rate) == 1)
    }
}
