import GeoFleetCore
import Testing

/// The byte-level JSON writer: escaping, numbers, dates and comma placement, byte for byte.
struct JSONWriterTests {
    func written(_ body: (inout JSONWriter) -> Void) -> String {
        var w = JSONWriter()
        body(&w)
        return w.text
    }

    @Test("every control character: \\n \\r \\t short, the rest as \\u00xx in lower-case hex")
    func controlCharacters() {
        for byte in UInt8(0)..<0x20 {
            let expected: String
            switch byte {
            case 0x0A: expected = #""\n""#
            case 0x0D: expected = #""\r""#
            case 0x09: expected = #""\t""#
            default:
                let hex = Array("0123456789abcdef")
                expected = "\"\\u00\(hex[Int(byte >> 4)])\(hex[Int(byte & 0xF)])\""
            }
            #expect(JSONWriter.quoted(String(UnicodeScalar(byte))) == expected, "byte \(byte)")
        }
        #expect(JSONWriter.quoted("a\u{8}b\u{c}c\u{1f}") == #""a\u0008b\u000cc\u001f""#)
    }

    @Test("quote and backslash escaped; DEL, non-ASCII, U+2028 and emoji as UTF-8")
    func otherCharacters() {
        #expect(JSONWriter.quoted(#"say "hi" \ bye"#) == #""say \"hi\" \\ bye""#)
        #expect(JSONWriter.quoted("\u{7f}") == "\"\u{7f}\"")
        #expect(JSONWriter.quoted("Müller – Łódź") == "\"Müller – Łódź\"")
        #expect(JSONWriter.quoted("a\u{2028}b\u{2029}") == "\"a\u{2028}b\u{2029}\"")
        #expect(Array(JSONWriter.quoted("🚚👩🏽‍🚒").utf8) == [0x22] + Array("🚚👩🏽‍🚒".utf8) + [0x22])
        #expect(JSONWriter.quoted("") == #""""#)
        #expect(JSONWriter.quoted("plain text, no escapes") == #""plain text, no escapes""#)
    }

    @Test("NUL: \\u0000, or U+FFFD where the text goes to PostgreSQL")
    func nul() {
        #expect(JSONWriter.quoted("a\u{0}b") == #""a\u0000b""#)
        #expect(JSONWriter.quoted("a\u{0}b", replacingNUL: true) == "\"a\u{FFFD}b\"")
        #expect(
            written {
                $0.key(escaping: "k\u{0}\"", replacingNUL: true); $0.null()
            } == "\"k\u{FFFD}\\\"\":null")
    }

    @Test("integers, from the smallest to the largest")
    func integers() {
        #expect(written { $0.number(0) } == "0")
        #expect(written { $0.number(-42) } == "-42")
        #expect(written { $0.number(Int64.min) } == "-9223372036854775808")
        #expect(written { $0.number(Int64.max) } == "9223372036854775807")
        #expect(written { $0.number(UInt64.max) } == "18446744073709551615")
        #expect(written { $0.number(UInt64(1_000_000)) } == "1000000")
    }

    @Test("doubles written shortest, as Swift's description; not finite is null")
    func shortestDoubles() {
        #expect(written { $0.number(52.52) } == "52.52")
        #expect(written { $0.number(13.0) } == "13.0")
        #expect(written { $0.number(-0.0) } == "-0.0")
        #expect(written { $0.number(0.00001) } == "1e-05")
        #expect(written { $0.number(1e16) } == "1e+16")
        #expect(written { $0.number(0.1 + 0.2) } == "0.30000000000000004")
        #expect(written { $0.number(Double.nan) } == "null")
        #expect(written { $0.number(-Double.infinity) } == "null")
    }

    @Test("fixed decimals: rounded half away from zero, trailing zeros dropped, zero never negative")
    func fixedDecimals() {
        func format(_ v: Double, _ decimals: Int) -> String {
            written { $0.number(v, decimals: decimals) }
        }
        #expect(format(1, 7) == "1")
        #expect(format(-12.3456789012, 7) == "-12.3456789")
        #expect(format(0.0000001, 7) == "0.0000001")
        #expect(format(-0.00000004, 7) == "0")
        #expect(format(-0.0, 2) == "0")
        #expect(format(10.05, 2) == "10.05")
        #expect(format(0.125, 2) == "0.13")
        #expect(format(-0.125, 2) == "-0.13")
        // What is rounded is the product by 100: 2.675 (2.67499999… in binary) gives exactly 267.5,
        // 1.005 (1.00499999…) gives 100.49999999999999.
        #expect(format(2.675, 2) == "2.68")
        #expect(format(1.005, 2) == "1")
        #expect(format(2.5, 0) == "3")
        #expect(format(-2.5, 0) == "-3")
        #expect(format(1234.05, 1) == "1234.1")
        #expect(format(9.96, 1) == "10")
        #expect(format(0.000049, 4) == "0")
        #expect(format(123_456_789_012.3, 1) == "123456789012.3")
        // Beyond 9e15 units of the last place: an integer below 1e15, else written shortest.
        #expect(format(1e14, 2) == "100000000000000")
        #expect(format(1e20, 2) == "1e+20")
        #expect(format(.infinity, 2) == "null")
        #expect(format(.nan, 0) == "null")
    }

    @Test("padded decimals as C's %.Nf: every place written, exact value rounded with ties to even")
    func paddedDecimals() {
        func format(_ v: Double, _ decimals: Int) -> String {
            written { $0.number(v, paddedDecimals: decimals) }
        }
        #expect(format(0.3, 3) == "0.300")
        #expect(format(0, 4) == "0.0000")
        #expect(format(0.435 + 0.12 + 0.18, 4) == "0.7350")
        #expect(format(18, 2) == "18.00")
        #expect(format(0.0501, 2) == "0.05")
        #expect(format(7, 0) == "7")
        #expect(format(0.125, 2) == "0.12")
        #expect(format(0.375, 2) == "0.38")
        #expect(format(2.675, 2) == "2.67")
        #expect(format(49.985, 2) == "49.98")
        #expect(format(96.80499999999999, 2) == "96.80")
        #expect(format(0.00005, 4) == "0.0001")
        #expect(format(1e-13, 9) == "0.000000000")
        #expect(format(4096.5, 0) == "4096")
        #expect(format(123_456.789, 9) == "123456.789000000")
        #expect(format(-0.0001, 3) == "-0.000")
        #expect(format(-1.5, 1) == "-1.5")
        #expect(format(.nan, 2) == "null")
        #expect(format(1e20, 2) == "1e+20")
    }

    @Test("dates as ISO 8601 UTC with milliseconds")
    func dates() {
        #expect(written { $0.date(milliseconds: 0) } == #""1970-01-01T00:00:00.000Z""#)
        #expect(written { $0.date(milliseconds: 1_764_187_677_123) } == #""2025-11-26T20:07:57.123Z""#)
        #expect(written { $0.date(milliseconds: -1) } == #""1969-12-31T23:59:59.999Z""#)
    }

    @Test("commas between keys and values at every depth; JSON copied as it is")
    func scaffolding() {
        let text = written { w in
            w.beginObject()
            w.key("a")
            w.beginArray()
            w.number(1)
            w.beginArray()
            w.endArray()
            w.beginObject()
            w.endObject()
            w.bool(false)
            w.endArray()
            w.key("b")
            w.beginObject()
            w.key("c")
            w.null()
            w.key("d")
            w.json(#"{"x":[1,2]}"#)
            w.endObject()
            w.key("e")
            w.string("f")
            w.endObject()
        }
        #expect(text == #"{"a":[1,[],{},false],"b":{"c":null,"d":{"x":[1,2]}},"e":"f"}"#)
        #expect(
            written {
                $0.beginArray(); $0.bool(true); $0.number(2.5); $0.endArray()
            } == "[true,2.5]")
        #expect(
            written {
                $0.number(1); $0.number(2)
            } == "1,2")
    }

    @Test("device attributes: named first, NUL replaced, then AVL ids")
    func attributes() {
        let named = [
            DeviceAttribute("gsm", .int(-4)), DeviceAttribute("ok", .bool(true)),
            DeviceAttribute("v", .double(12.5)), DeviceAttribute("n\u{0}", .string("x\u{0}\"")),
            DeviceAttribute("inf", .double(.infinity)),
        ]
        let io = [IOElement(id: 239, value: .unsigned(1, width: 1)), IOElement(id: 385, value: .bytes([0x01, 0xAB]))]
        #expect(
            AttributesJSON.object(io: io, named: named)
                == "{\"gsm\":-4,\"ok\":true,\"v\":12.5,\"n\u{FFFD}\":\"x\u{FFFD}\\\"\",\"inf\":null,\"239\":1,\"385\":\"01ab\"}")
        #expect(AttributesJSON.object(io: [], named: []) == "{}")
    }
}
