import GeoFleetCore
import GeoFleetPostGIS
import Testing

/// What the COPY encoder writes for device text PostgreSQL could not hold.
@Suite("Position COPY encoder")
struct PositionCopyEncoderTests {
    static func row(attributes: [DeviceAttribute]) -> String {
        let p = Position(
            vehicleKey: 1, deviceID: 2, fixTime: 1_700_000_000_000, receivedTime: 1_700_000_000_500,
            latitude: 44.4, longitude: 26.1, attributes: attributes)
        var out: [UInt8] = []
        PositionCopyEncoder.append(p, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("a NUL in an attribute's value or name becomes U+FFFD, never \\u0000 (jsonb refuses it)")
    func nulBecomesReplacementCharacter() {
        // OsmAnd `&note=%00` and `&a%00b=x` decode to these.
        let line = Self.row(attributes: [DeviceAttribute("note", .string("\u{0}")), DeviceAttribute("a\u{0}b", .string("x\u{0}y"))])
        let attributes = String(line.split(separator: "\t", omittingEmptySubsequences: false).last!.dropLast())
        #expect(attributes == "{\"note\":\"\u{FFFD}\",\"a\u{FFFD}b\":\"x\u{FFFD}y\"}")
        #expect(!line.contains("\\u0000"))
        #expect(!line.utf8.contains(0))
    }

    @Test("other control characters stay JSON escapes jsonb accepts, COPY specials stay escaped")
    func otherControlCharacters() {
        let line = Self.row(attributes: [DeviceAttribute("raw", .string("\u{1}\t\\"))])
        let attributes = String(line.split(separator: "\t", omittingEmptySubsequences: false).last!.dropLast())
        // JSON: \u0001 \t \\ ; COPY text then doubles each backslash.
        #expect(attributes == "{\"raw\":\"\\\\u0001\\\\t\\\\\\\\\"}")
    }
}
