import GeoFleetCore

/// RFC 7946 GeoJSON for a track: a LineString Feature plus one Point Feature per stop.
public enum TrackGeoJSON {
    /// A `FeatureCollection`: the track (LineString with ≥ 2 points, Point with 1, absent with 0) whose
    /// properties are `kind: "track"`, `vehicleId`, `timestamps` (ISO 8601), `speeds` (km/h), `headings`,
    /// `distanceMetres`; then per stop a Point with `kind: "stop"`, `vehicleId`, `start`, `end`,
    /// `durationSeconds`, `pointCount`. Positions are [longitude, latitude] with at most 7 decimals
    /// (about 1 cm); non-finite numbers are written as `null`.
    public static func featureCollection(
        vehicleId: String, points: [TrackPoint], stops: [TrackStop], distanceMetres: Double
    ) -> String {
        var w = JSONBytes()
        w.raw(#"{"type":"FeatureCollection","features":["#)
        var first = true
        if !points.isEmpty {
            first = false
            w.raw(#"{"type":"Feature","geometry":"#)
            if points.count == 1 {
                w.raw(#"{"type":"Point","coordinates":"#)
                w.position(points[0].longitude, points[0].latitude)
            } else {
                w.raw(#"{"type":"LineString","coordinates":["#)
                for (k, p) in points.enumerated() {
                    if k > 0 { w.raw(",") }
                    w.position(p.longitude, p.latitude)
                }
                w.raw("]")
            }
            w.raw(#"},"properties":{"kind":"track","vehicleId":"#)
            w.string(vehicleId)
            w.raw(#","timestamps":["#)
            for (k, p) in points.enumerated() {
                if k > 0 { w.raw(",") }
                w.time(p.time)
            }
            w.raw(#"],"speeds":["#)
            for (k, p) in points.enumerated() {
                if k > 0 { w.raw(",") }
                w.number(p.speedKmh, decimals: 2)
            }
            w.raw(#"],"headings":["#)
            for (k, p) in points.enumerated() {
                if k > 0 { w.raw(",") }
                w.number(p.heading, decimals: 2)
            }
            w.raw(#"],"distanceMetres":"#)
            w.number(distanceMetres, decimals: 2)
            w.raw("}}")
        }
        for stop in stops {
            if !first { w.raw(",") }
            first = false
            w.raw(#"{"type":"Feature","geometry":{"type":"Point","coordinates":"#)
            w.position(stop.longitude, stop.latitude)
            w.raw(#"},"properties":{"kind":"stop","vehicleId":"#)
            w.string(vehicleId)
            w.raw(#","start":"#)
            w.time(stop.start)
            w.raw(#","end":"#)
            w.time(stop.end)
            w.raw(#","durationSeconds":"#)
            w.raw(String(stop.durationSeconds))
            w.raw(#","pointCount":"#)
            w.raw(String(stop.pointCount))
            w.raw("}}")
        }
        w.raw("]}")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}

/// Minimal JSON byte writer: fixed-point numbers and escaped strings.
struct JSONBytes {
    var bytes: [UInt8] = []

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func position(_ lon: Double, _ lat: Double) {
        bytes.append(UInt8(ascii: "["))
        number(lon, decimals: 7)
        bytes.append(UInt8(ascii: ","))
        number(lat, decimals: 7)
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func time(_ ms: Int64) {
        bytes.append(UInt8(ascii: "\""))
        UTCTime.appendISO8601(milliseconds: ms, separator: UInt8(ascii: "T"), zone: [UInt8(ascii: "Z")], to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Rounded to `decimals` (0...9) places, trailing zeros dropped, no exponent; `null` when not finite.
    mutating func number(_ v: Double, decimals: Int) {
        guard v.isFinite else { return raw("null") }
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (v.magnitude * Double(scale)).rounded()
        guard scaled < 9e15 else { return raw(String(v.rounded())) }  // beyond exact Int range: no decimals
        let n = UInt64(scaled)
        if v < 0, n != 0 { bytes.append(UInt8(ascii: "-")) }
        raw(String(n / scale))
        var frac = n % scale
        guard frac != 0 else { return }
        var digits = decimals
        while frac % 10 == 0 {
            frac /= 10
            digits -= 1
        }
        bytes.append(UInt8(ascii: "."))
        let f = String(frac)
        for _ in 0..<(digits - f.utf8.count) { bytes.append(UInt8(ascii: "0")) }
        raw(f)
    }

    /// A JSON string literal (RFC 8259 escapes; control characters as \u00XX).
    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                raw("\\u00")
                bytes.append(hex[Int(b >> 4)])
                bytes.append(hex[Int(b & 0xF)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
