/// A named value a device reported beside its fix (GT06 cell and status, OsmAnd battery, …).
///
/// Teltonika's numbered AVL elements stay `IOElement`s; protocols that name their values use this.
public struct DeviceAttribute: Sendable, Hashable {
    /// The key in `positions.attributes`; never all digits, so it cannot collide with an AVL id.
    public var name: String
    public var value: AttributeValue

    public init(_ name: String, _ value: AttributeValue) {
        self.name = name
        self.value = value
    }
}

/// The value of a named attribute, typed as JSON types it.
public enum AttributeValue: Sendable, Hashable {
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case string(String)
}

extension AttributeValue {
    /// The value as a JSON literal (non-finite doubles become null).
    public var jsonLiteral: String {
        switch self {
        case .int(let v): String(v)
        case .double(let v): v.isFinite ? String(v) : "null"
        case .bool(let v): v ? "true" : "false"
        case .string(let s): JSONText.quoted(s)
        }
    }

    /// The value as a JSON literal PostgreSQL's jsonb accepts (see `JSONText.storable`).
    public var storableJSONLiteral: String {
        if case .string(let s) = self { return JSONText.storable(s) }
        return jsonLiteral
    }
}

/// Minimal JSON string quoting for the attributes column (no Foundation in this module).
public enum JSONText {
    /// `s` as a JSON string literal for PostgreSQL: like `quoted`, but U+0000 becomes U+FFFD.
    ///
    /// jsonb refuses `\u0000` (text cannot hold NUL) and a refused row used to stop every tenant's
    /// history. U+FFFD rather than dropping the NUL: the stored value still shows that the device
    /// sent something unstorable there, and "a\0b" does not silently become "ab". It is also what
    /// a lenient UTF-8 decode already makes of bytes that are not text, so one marker means both.
    public static func storable(_ s: String) -> String {
        guard s.unicodeScalars.contains("\u{0}") else { return quoted(s) }
        var scalars = String.UnicodeScalarView()
        for scalar in s.unicodeScalars { scalars.append(scalar == "\u{0}" ? "\u{FFFD}" : scalar) }
        return quoted(String(scalars))
    }

    /// `s` as a JSON string literal, with quotes, backslashes and control characters escaped.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }
}
