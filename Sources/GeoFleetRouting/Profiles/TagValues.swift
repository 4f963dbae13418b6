import Foundation

/// Parsers for OSM's numeric tag values (`maxspeed`, `maxweight`, `maxheight`…), as routers read them.
public enum TagValues {
    /// Implicit limits (`RO:urban`, `DE:motorway`…) in km/h, from the national defaults OSRM's car profile uses.
    static let zoneSpeeds: [String: Double] = [
        "ro:urban": 50, "ro:rural": 90, "ro:trunk": 100, "ro:motorway": 130,
        "at:rural": 100, "at:trunk": 100, "ch:rural": 80, "ch:trunk": 100, "ch:motorway": 120,
        "de:living_street": 7, "de:rural": 100, "de:motorway": 130, "fr:rural": 80, "fr:urban": 50,
        "bg:motorway": 140, "hu:rural": 90, "hu:motorway": 130, "pl:rural": 100, "pl:motorway": 140,
        "es:trunk": 90, "it:motorway": 130, "none": 140,
    ]
    static let zoneDefaults: [String: Double] = ["urban": 50, "rural": 90, "trunk": 110, "motorway": 130, "living_street": 10]

    /// A speed limit in km/h: `50`, `50 km/h`, `30 mph`, `RO:urban`, `none`, `walk`; nil when it says nothing usable.
    public static func speedKmh(_ raw: String?) -> Double? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces).lowercased(), !raw.isEmpty else { return nil }
        // "50;70" (lanes or conditions): the lower, conservative value.
        if raw.contains(";") {
            return raw.split(separator: ";").compactMap { speedKmh(String($0)) }.min()
        }
        if raw == "walk" { return 5 }
        if let zone = zoneSpeeds[raw] { return zone }
        if let number = leadingNumber(raw) {
            guard number.value > 0 else { return nil }
            return number.rest.contains("mph") ? number.value * 1.609344 : number.value
        }
        if let colon = raw.firstIndex(of: ":") {
            return zoneDefaults[String(raw[raw.index(after: colon)...])]
        }
        return nil
    }

    /// A weight in tonnes: `7.5`, `7.5 t`, `7500 kg`, `12 st` (short tons); nil when absent or unparsable.
    public static func weightTonnes(_ raw: String?) -> Double? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces).lowercased(), let number = leadingNumber(raw),
            number.value > 0
        else { return nil }
        let unit = number.rest.trimmingCharacters(in: .whitespaces)
        switch unit {
        case "kg": return number.value / 1000
        case "lbs", "lb": return number.value * 0.000_453_592
        case "st": return number.value * 0.907_185
        default: return number.value
        }
    }

    /// A length in metres: `4`, `4.2 m`, `4,2`, `14'6"`, `14 ft`; nil for `default`, `none`, `below_default` and the like.
    public static func lengthMeters(_ raw: String?) -> Double? {
        guard var raw = raw?.trimmingCharacters(in: .whitespaces).lowercased(), !raw.isEmpty else { return nil }
        raw = raw.replacingOccurrences(of: ",", with: ".")
        if raw.contains("'") {
            // Feet and inches: 14'6" or 14'.
            let parts = raw.split(separator: "'", maxSplits: 1)
            guard let feet = Double(parts[0].trimmingCharacters(in: .whitespaces)) else { return nil }
            var inches = 0.0
            if parts.count > 1 {
                let rest = parts[1].replacingOccurrences(of: "\"", with: "").trimmingCharacters(in: .whitespaces)
                if !rest.isEmpty {
                    guard let value = Double(rest) else { return nil }
                    inches = value
                }
            }
            return feet * 0.3048 + inches * 0.0254
        }
        guard let number = leadingNumber(raw), number.value > 0 else { return nil }
        let unit = number.rest.trimmingCharacters(in: .whitespaces)
        switch unit {
        case "ft": return number.value * 0.3048
        case "cm": return number.value / 100
        default: return number.value
        }
    }

    /// The number at the start of `text` and what follows it.
    private static func leadingNumber(_ text: String) -> (value: Double, rest: String)? {
        var end = text.startIndex
        var seenDot = false
        while end < text.endIndex {
            let character = text[end]
            if character.isASCII, character.isNumber {
            } else if character == ".", !seenDot {
                seenDot = true
            } else {
                break
            }
            end = text.index(after: end)
        }
        guard end > text.startIndex, let value = Double(text[text.startIndex..<end]) else { return nil }
        return (value, String(text[end...]))
    }
}
