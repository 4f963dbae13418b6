import GeoFleetCore

/// Google's encoded polyline format (precision 5 as Google and OSRM's default, or 6 as Valhalla's).
public enum Polyline {
    public static func encode(_ points: [GeoPoint], precision: Int = 5) -> String {
        var factor = 1.0
        for _ in 0..<precision { factor *= 10 }
        var output: [UInt8] = []
        output.reserveCapacity(points.count * 8)
        var previousLat = 0, previousLon = 0
        for point in points {
            let lat = Int((point.latitude * factor).rounded())
            let lon = Int((point.longitude * factor).rounded())
            append(lat - previousLat, to: &output)
            append(lon - previousLon, to: &output)
            previousLat = lat
            previousLon = lon
        }
        return String(decoding: output, as: UTF8.self)
    }

    public static func decode(_ text: String, precision: Int = 5) -> [GeoPoint]? {
        var factor = 1.0
        for _ in 0..<precision { factor *= 10 }
        var points: [GeoPoint] = []
        var bytes = Array(text.utf8)[...]
        var lat = 0, lon = 0
        func next() -> Int? {
            var result = 0, shift = 0
            while let byte = bytes.popFirst() {
                guard byte >= 63 else { return nil }
                let chunk = Int(byte) - 63
                result |= (chunk & 0x1F) << shift
                shift += 5
                if chunk < 0x20 { return (result & 1) != 0 ? ~(result >> 1) : result >> 1 }
                if shift > 60 { return nil }
            }
            return nil
        }
        while !bytes.isEmpty {
            guard let dLat = next(), let dLon = next() else { return nil }
            lat += dLat
            lon += dLon
            points.append(GeoPoint(latitude: Double(lat) / factor, longitude: Double(lon) / factor))
        }
        return points
    }

    private static func append(_ value: Int, to output: inout [UInt8]) {
        var rest = value < 0 ? ~(value << 1) : value << 1
        while rest >= 0x20 {
            output.append(UInt8((0x20 | (rest & 0x1F)) + 63))
            rest >>= 5
        }
        output.append(UInt8(rest + 63))
    }
}
