import Foundation
import GeoFleetCore

/// The real frames in `fixtures/` that mutations start from.
public enum FuzzSeeds {
    /// Seeds for `target`, read from the fixture files under `fixtures`.
    public static func load(_ target: FuzzTarget, fixtures: URL) throws -> [[UInt8]] {
        switch target {
        case .teltonikaTCP:
            // A TCP session must begin with the IMEI handshake, or every frame is refused at once.
            let frames = try hexValues(fixtures.appendingPathComponent("teltonika/teltonika-tcp.json"))
            let handshake = Array(frames.first { $0.count == 17 && $0[0] == 0x00 && $0[1] == 0x0F } ?? [])
            return frames.map { handshake + $0 }
        case .teltonikaUDP:
            return try hexValues(fixtures.appendingPathComponent("teltonika/teltonika-udp.json"))
        case .gt06:
            return try hexValues(fixtures.appendingPathComponent("gt06/gt06.json"))
        case .ruptela:
            return try hexValues(fixtures.appendingPathComponent("ruptela/ruptela.json"))
        case .osmand:
            return try osmandRequests(fixtures.appendingPathComponent("osmand/osmand.json"))
        }
    }

    /// Every string under a "hex" key, anywhere in the file.
    static func hexValues(_ url: URL) throws -> [[UInt8]] {
        var found: [[UInt8]] = []
        func walk(_ node: Any) {
            if let object = node as? [String: Any] {
                for (key, value) in object {
                    if key == "hex", let text = value as? String, let bytes = [UInt8](hex: text) { found.append(bytes) } else { walk(value) }
                }
            } else if let array = node as? [Any] {
                array.forEach(walk)
            }
        }
        walk(try JSONSerialization.jsonObject(with: Data(contentsOf: url)))
        return found
    }

    /// Each request as the OsmAnd target reads it: a shape byte, then the query or the body.
    static func osmandRequests(_ url: URL) throws -> [[UInt8]] {
        var found: [[UInt8]] = []
        func walk(_ node: Any) {
            if let object = node as? [String: Any], let method = object["method"] as? String {
                let contentType = (object["contentType"] as? String ?? "").lowercased()
                let body = object["body"] as? String ?? ""
                if method == "GET" || body.isEmpty {
                    found.append([0] + Array((object["query"] as? String ?? "").utf8))
                } else if contentType.contains("json") {
                    found.append([1] + Array(body.utf8))
                } else {
                    found.append([2] + Array(body.utf8))
                }
            } else if let object = node as? [String: Any] {
                object.values.forEach(walk)
            } else if let array = node as? [Any] {
                array.forEach(walk)
            }
        }
        walk(try JSONSerialization.jsonObject(with: Data(contentsOf: url)))
        return found
    }
}
