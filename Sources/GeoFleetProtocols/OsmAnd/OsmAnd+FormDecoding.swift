extension OsmAnd {
    /// One `name=value` pair of a query or form body, percent-decoded.
    struct Parameter: Equatable {
        var name: String
        var value: String
    }

    /// Splits `application/x-www-form-urlencoded` text on `&`, then decodes `+` as space and `%XX` escapes
    /// (as Netty's `QueryStringDecoder` does for Traccar). A pair without `=` has an empty value; pairs
    /// with an empty name are dropped. Invalid UTF-8 after decoding becomes U+FFFD.
    static func formParameters(_ bytes: [UInt8], part: String) throws(OsmAndError) -> [Parameter] {
        var parameters: [Parameter] = []
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "&") { end += 1 }
            if end > start {
                var equals = start
                while equals < end, bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                let name = try percentDecoded(bytes, start..<equals, part: part)
                let value = equals < end ? try percentDecoded(bytes, (equals + 1)..<end, part: part) : ""
                if !name.isEmpty { parameters.append(Parameter(name: name, value: value)) }
            }
            start = end + 1
        }
        return parameters
    }

    private static func percentDecoded(_ bytes: [UInt8], _ range: Range<Int>, part: String) throws(OsmAndError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var i = range.lowerBound
        while i < range.upperBound {
            let c = bytes[i]
            if c == UInt8(ascii: "%") {
                guard i + 2 < range.upperBound, let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) else {
                    throw .badPercentEncoding(part: part, offset: i)
                }
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(c == UInt8(ascii: "+") ? UInt8(ascii: " ") : c)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
