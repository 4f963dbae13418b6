/// Appends JSON text to a byte array: the one place the server's hand-written JSON is escaped and its numbers formatted.
///
/// Hand-written rather than `JSONEncoder` because the hot answers (the live map, stream frames, tracks)
/// spent most of their time in Foundation's encoder. Commas are placed by the writer: every value or
/// key after the first in its object or array gets one, so call sites only open, name and close.
public struct JSONWriter: Sendable {
    /// The JSON written so far, as UTF-8.
    public var bytes: [UInt8]
    /// True once a value was written at this nesting level: the next key or value needs a comma.
    var needsComma = false

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The JSON written so far, as a String.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Scaffolding

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// An object key: `name` is a literal of the payload's shape, so it is written without escaping.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// An object key that comes from data (a device's attribute name): escaped as `string` escapes.
    public mutating func key(escaping name: String, replacingNUL: Bool = false) {
        string(name, replacingNUL: replacingNUL)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A value that is already JSON (a payload encoded earlier), copied as it is.
    public mutating func json(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    // MARK: Values

    public mutating func null() {
        separate()
        appendASCII("null")
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separate()
        appendASCII(value ? "true" : "false")
        needsComma = true
    }

    /// A string literal: quote, backslash and control characters escaped (`\n`, `\r`, `\t`, the rest as
    /// `\u00xx`); everything else, U+2028 and non-ASCII included, as its UTF-8 bytes.
    ///
    /// With `replacingNUL`, U+0000 becomes U+FFFD: PostgreSQL's jsonb refuses `\u0000` (text cannot
    /// hold NUL), and U+FFFD still shows that something unstorable was there.
    public mutating func string(_ value: String, replacingNUL: Bool = false) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { appendEscaped($0, replacingNUL: replacingNUL) }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// An ISO 8601 UTC time with milliseconds, as a string: `"2026-11-26T20:07:57.123Z"`.
    public mutating func date(milliseconds ms: Int64) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        UTCTime.appendISO8601(milliseconds: ms, separator: UInt8(ascii: "T"), zone: Self.zulu, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    public mutating func number(_ value: Int) { number(Int64(value)) }

    public mutating func number(_ value: Int64) {
        separate()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude)
        needsComma = true
    }

    public mutating func number(_ value: UInt64) {
        separate()
        appendDigits(value)
        needsComma = true
    }

    /// The shortest text that reads back as `value` (Swift's `description`: `52.5`, `1.0`, `1e-05`); `null` when not finite.
    public mutating func number(_ value: Double) {
        separate()
        if value.isFinite {
            bytes.append(contentsOf: value.description.utf8)
        } else {
            appendASCII("null")
        }
        needsComma = true
    }

    /// `value` rounded half away from zero to `decimals` (0...9) places, trailing zeros dropped (`1.5`, `2`),
    /// no exponent; `null` when not finite. Zero is never negative. From 9e15 units of the last place
    /// (1e15 for whole numbers), where a Double no longer holds every unit, see `beyondFixed`.
    ///
    /// What is rounded is `value × 10^decimals` as a Double, so 2.675 (2.67499999… in binary) gives 2.68.
    public mutating func number(_ value: Double, decimals: Int) {
        precondition((0...9).contains(decimals), "decimals must be 0...9")
        guard value.isFinite else { return null() }
        let scale = Self.powersOfTen[decimals]
        let scaled = (value.magnitude * Double(scale)).rounded()
        guard scaled < (decimals == 0 ? 1e15 : 9e15) else { return beyondFixed(value, scale) }
        separate()
        let n = UInt64(scaled)
        if value < 0, n != 0 { bytes.append(UInt8(ascii: "-")) }
        var fraction = n % scale
        var places = fraction == 0 ? 0 : decimals
        while places > 0, fraction % 10 == 0 {
            fraction /= 10
            places -= 1
        }
        appendFixed(whole: n / scale, fraction: fraction, places: places)
        needsComma = true
    }

    /// `value` with exactly `decimals` (0...9) places, as C's `%.*f` writes it: rounded from the exact
    /// binary value with ties to even (2.675 gives 2.67, 0.125 gives 0.12), `-` for any negative value
    /// (`-0.00`); `null` when not finite. From 9e15 units of the last place, see `beyondFixed`.
    public mutating func number(_ value: Double, paddedDecimals decimals: Int) {
        precondition((0...9).contains(decimals), "decimals must be 0...9")
        guard value.isFinite else { return null() }
        let scale = Self.powersOfTen[decimals]
        let magnitude = value.magnitude
        guard magnitude * Double(scale) < 9e15 else { return beyondFixed(value, scale) }
        separate()
        if value.sign == .minus { bytes.append(UInt8(ascii: "-")) }
        // magnitude = significand × 2^exponent exactly; below 1e-12 nothing reaches the ninth place.
        var n: UInt64 = 0
        if magnitude >= 1e-12 {
            let exponent = magnitude.exponent - Double.significandBitCount
            let significand = UInt128(magnitude.significandBitPattern | (1 << UInt64(Double.significandBitCount)))
            let product = significand * UInt128(scale)
            if exponent >= 0 {
                n = UInt64(product << exponent)
            } else {
                let shift = -exponent
                var q = product >> shift
                let remainder = product - (q << shift)
                let half = UInt128(1) << (shift - 1)
                if remainder > half || (remainder == half && q & 1 == 1) { q += 1 }
                n = UInt64(q)
            }
        }
        appendFixed(whole: n / scale, fraction: n % scale, places: decimals)
        needsComma = true
    }

    // MARK: Helpers

    /// A value too large for fixed places: the rounded value as an integer below 1e15, else shortest.
    mutating func beyondFixed(_ value: Double, _ scale: UInt64) {
        let rounded = (value * Double(scale)).rounded() / Double(scale)
        if rounded == rounded.rounded(), rounded.magnitude < 1e15 { return number(Int64(rounded)) }
        number(rounded)
    }

    /// `value` as a JSON string literal (see `string(_:replacingNUL:)`).
    public static func quoted(_ value: String, replacingNUL: Bool = false) -> String {
        var writer = JSONWriter(capacity: value.utf8.count + 2)
        writer.string(value, replacingNUL: replacingNUL)
        return writer.text
    }

    static let zulu: [UInt8] = [UInt8(ascii: "Z")]
    static let powersOfTen: [UInt64] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000]
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    @inline(__always) mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    @inline(__always) mutating func appendASCII(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func appendDigits(_ value: UInt64) {
        // 20 digits hold UInt64.max; filled from the right.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { raw in
            var v = value
            var start = raw.count
            repeat {
                start -= 1
                raw[start] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            bytes.append(contentsOf: raw[start...])
        }
    }

    /// `whole`, then `fraction` on `places` digits (leading zeros added) after a point when `places` > 0.
    mutating func appendFixed(whole: UInt64, fraction: UInt64, places: Int) {
        appendDigits(whole)
        guard places > 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var width = 1
        var limit: UInt64 = 10
        while width < places, fraction >= limit {
            width += 1
            limit *= 10
        }
        for _ in width..<places { bytes.append(UInt8(ascii: "0")) }
        appendDigits(fraction)
    }

    mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, replacingNUL: Bool) {
        // Runs of bytes that need no escape are copied in one piece.
        var runStart = 0
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            runStart = index + 1
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0 where replacingNUL: bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
            default:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0xF)])
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
    }
}
