/// A JSON value as the OsmAnd body reader needs it: numbers keep their literal text, so an integer stays
/// exact and `1` vs `1.0` can be told apart; objects keep their members in order.
enum OsmAndJSON: Equatable {
    case null
    case bool(Bool)
    /// The literal as sent, already checked against the JSON number grammar.
    case number(String)
    case string(String)
    case array([OsmAndJSON])
    case object([Member])

    struct Member: Equatable {
        var key: String
        var value: OsmAndJSON
    }

    /// The member `key` of an object (the last one if repeated, as most readers do); nil for a non-object.
    subscript(key: String) -> OsmAndJSON? {
        guard case .object(let members) = self else { return nil }
        return members.last(where: { $0.key == key })?.value
    }

    /// The value as it would appear in JSON, cut short, for error messages.
    var brief: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let text): text
        case .string(let s): s
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension OsmAndJSON {
    /// Nesting deeper than this is refused: the reader is recursive, and no Traccar Client body nests past 4.
    static let maxDepth = 32

    /// Parses a whole body; anything but whitespace after the value is an error.
    static func parse(_ bytes: [UInt8]) throws(OsmAndError) -> OsmAndJSON {
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw reader.error("unexpected data after the JSON value") }
        return value
    }

    /// A recursive-descent reader over UTF-8 bytes (RFC 8259, no extensions).
    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        func error(_ reason: String) -> OsmAndError { .malformedJSON(offset: index, reason: reason) }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { index += 1 }
        }

        mutating func value(depth: Int) throws(OsmAndError) -> OsmAndJSON {
            guard let c = current else { throw error("unexpected end of data") }
            switch c {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw error("unexpected character")
            }
        }

        mutating func literal(_ word: String) throws(OsmAndError) {
            for expected in word.utf8 {
                guard let c = current else { throw error("unexpected end of data") }
                guard c == expected else { throw error("invalid literal") }
                index += 1
            }
        }

        mutating func object(depth: Int) throws(OsmAndError) -> OsmAndJSON {
            guard depth <= OsmAndJSON.maxDepth else { throw error("nesting deeper than \(OsmAndJSON.maxDepth)") }
            index += 1 // {
            var members: [Member] = []
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let key = try string()
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipWhitespace()
                members.append(Member(key: key, value: try value(depth: depth)))
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return .object(members)
                case nil: throw error("unexpected end of data")
                default: throw error("expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws(OsmAndError) -> OsmAndJSON {
            guard depth <= OsmAndJSON.maxDepth else { throw error("nesting deeper than \(OsmAndJSON.maxDepth)") }
            index += 1 // [
            var elements: [OsmAndJSON] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth))
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return .array(elements)
                case nil: throw error("unexpected end of data")
                default: throw error("expected ',' or ']'")
                }
            }
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as text.
        mutating func number() throws(OsmAndError) -> String {
            let start = index
            if current == UInt8(ascii: "-") { index += 1 }
            guard let first = current, isDigit(first) else { throw error("invalid number") }
            if first == UInt8(ascii: "0") {
                index += 1
            } else {
                skipDigits()
            }
            if current == UInt8(ascii: ".") {
                index += 1
                guard let c = current, isDigit(c) else { throw error("invalid number") }
                skipDigits()
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard let c = current, isDigit(c) else { throw error("invalid number") }
                skipDigits()
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

        mutating func skipDigits() {
            while let c = current, isDigit(c) { index += 1 }
        }

        mutating func string() throws(OsmAndError) -> String {
            index += 1 // opening quote
            var out: [UInt8] = []
            while true {
                guard let c = current else { throw error("unterminated string") }
                switch c {
                case UInt8(ascii: "\""):
                    index += 1
                    // The body was checked to be UTF-8 up front and escapes produce valid scalars.
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    index += 1
                    try escape(into: &out)
                case 0x00..<0x20:
                    throw error("control character in string")
                default:
                    out.append(c)
                    index += 1
                }
            }
        }

        mutating func escape(into out: inout [UInt8]) throws(OsmAndError) {
            guard let c = current else { throw error("unterminated string") }
            index += 1
            switch c {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard current == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate in \\u escape")
                    }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw error("unpaired surrogate in \\u escape")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                out.append(contentsOf: String(Character(unicode)).utf8)
            default:
                index -= 1
                throw error("invalid escape")
            }
        }

        mutating func hex4() throws(OsmAndError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("unterminated string") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[index]
                let digit: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
                default: throw error("invalid \\u escape")
                }
                v = v << 4 | UInt32(digit)
                index += 1
            }
            return v
        }
    }
}
