import Foundation

/// An amount of money in whole cents: what every cost line, total and price is once rounded.
public struct Money: Sendable, Equatable, Comparable, Hashable, CustomStringConvertible {
    public var cents: Int64
    public var currency: Currency

    public init(cents: Int64, currency: Currency) {
        self.cents = cents
        self.currency = currency
    }

    /// `amount` rounded to cents, halves away from zero (the usual commercial rounding).
    public init(rounding amount: Decimal, currency: Currency) {
        self.init(cents: Exact.cents(amount), currency: currency)
    }

    public static let zero = Money(cents: 0, currency: .eur)

    public var decimal: Decimal { Decimal(cents) / 100 }

    /// Two places always: `1234.50`, `-0.05`.
    public var decimalString: String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    public var description: String { decimalString + " " + currency.rawValue }

    public static func < (a: Money, b: Money) -> Bool { a.cents < b.cents }

    /// The sum of amounts in one currency.
    public static func sum(_ amounts: [Money], currency: Currency) -> Money {
        Money(cents: amounts.reduce(0) { $0 + $1.cents }, currency: currency)
    }
}

/// Exact decimal arithmetic for money: measured quantities and rates enter as decimals with a fixed
/// number of places, products are computed in `Decimal`, and only the result is rounded, to cents.
public enum Exact {
    /// `value` as a decimal rounded to `places` (halves away from zero); 0 for non-finite input.
    public static func decimal(_ value: Double, places: Int) -> Decimal {
        guard value.isFinite else { return 0 }
        var scale: Double = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
        guard abs(scaled) < 9e15 else { return Decimal(value) }
        var result = Decimal(Int64(scaled))
        for _ in 0..<places { result /= 10 }
        return result
    }

    /// `value` rounded to `places`, halves away from zero.
    public static func rounded(_ value: Decimal, places: Int) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, places, .plain)
        return output
    }

    /// `amount` in whole cents, halves away from zero.
    public static func cents(_ amount: Decimal) -> Int64 {
        let rounded = Self.rounded(amount * 100, places: 0)
        return NSDecimalNumber(decimal: rounded).int64Value
    }

    /// A decimal's value as a `Double`, for ratios and displays that are not money.
    public static func double(_ value: Decimal) -> Double { NSDecimalNumber(decimal: value).doubleValue }

    /// A decimal as text with exactly `places` places (quantities in cost lines: `123.456`).
    public static func string(_ value: Decimal, places: Int) -> String {
        let rounded = Self.rounded(value, places: places)
        var text = NSDecimalNumber(decimal: rounded).stringValue
        guard places > 0 else { return text }
        if !text.contains(".") { text += "." }
        let have = text.count - 1 - (text.firstIndex(of: ".").map { text.distance(from: text.startIndex, to: $0) } ?? 0)
        return text + String(repeating: "0", count: max(places - have, 0))
    }
}
