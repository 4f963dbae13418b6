import GeoFleetCore

extension OsmAnd {
    /// A decimal number as phones and scripts write it (`-12.5`, `5.`, `.5`, `1.0E-4` from Java's
    /// `Double.toString`); nil for anything else, including `NaN`, `Infinity`, hex and overflow to infinity.
    static func decimal(_ text: some StringProtocol) -> Double? {
        guard isDecimalLiteral(text.utf8) else { return nil }
        guard let value = Double(String(text)), value.isFinite else { return nil }
        return value
    }

    /// `[+-]? (digits (. digits*)? | . digits) ([eE] [+-]? digits)?`
    static func isDecimalLiteral(_ utf8: some Collection<UInt8>) -> Bool {
        var i = utf8.startIndex
        func at(_ c: Unicode.Scalar) -> Bool { i != utf8.endIndex && utf8[i] == UInt8(ascii: c) }
        func digits() -> Int {
            var n = 0
            while i != utf8.endIndex, isASCIIDigit(utf8[i]) {
                utf8.formIndex(after: &i)
                n += 1
            }
            return n
        }
        if at("+") || at("-") { utf8.formIndex(after: &i) }
        var mantissa = digits()
        if at(".") {
            utf8.formIndex(after: &i)
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if at("e") || at("E") {
            utf8.formIndex(after: &i)
            if at("+") || at("-") { utf8.formIndex(after: &i) }
            guard digits() > 0 else { return false }
        }
        return i == utf8.endIndex
    }

    static func isASCIIDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    /// `[+-]? digits` that fits an Int64 and has no leading zero (`"02"` is an identifier, not the number 2).
    static func integer(_ text: some StringProtocol) -> Int64? {
        var digits = Substring(text)
        if let first = digits.first, first == "+" || first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.utf8.allSatisfy(isASCIIDigit),
            digits.count == 1 || digits.first != "0"
        else { return nil }
        return Int64(text.hasPrefix("+") ? String(text.dropFirst()) : String(text))
    }

    /// `true`/`false` (any case, as Java's `Boolean.parseBoolean`) or `1`/`0` (Traccar's `valid=1`).
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1": true
        case "false", "0": false
        default: nil
        }
    }

    /// The typed value of a parameter Traccar does not know, which it keeps as an attribute: integers as
    /// `.int`, other decimals as `.double`, `true`/`false` as `.bool`, anything else as sent. Values that
    /// would lose information as numbers (`007`, a 20-digit ICCID) stay strings.
    static func attributeValue(_ text: String) -> AttributeValue {
        if let i = integer(text) { return .int(i) }
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if let d = decimal(text), !hasLeadingZero(text), !isIntegerLiteral(text) { return .double(d) }
        return .string(text)
    }

    /// Digits only after an optional sign (an Int64 overflow lands here and stays a string).
    private static func isIntegerLiteral(_ text: String) -> Bool {
        let body = text.utf8.drop(while: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") })
        return !body.isEmpty && body.allSatisfy(isASCIIDigit)
    }

    /// `00.5`, `-01.5`: a zero followed by another digit before the point.
    private static func hasLeadingZero(_ text: String) -> Bool {
        let body = Array(text.utf8.drop(while: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }))
        return body.count >= 2 && body[0] == UInt8(ascii: "0") && isASCIIDigit(body[1])
    }
}
