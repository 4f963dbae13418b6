import Foundation
import GeoFleetCore
import GeoFleetProtocols
import GeoFleetTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
import GeoFleetPlatform
#endif

/// `GET /api/fleet/vehicles/{id}/track`: simplification, distance, stops, GeoJSON and pages.
@Suite(.serialized) struct TrackTests {
    static let imei = "356307042441013"

    /// 40 minutes east along 45.5° N at one fix a minute (about 60 km/h, with ±3 m of wobble), then
    /// 20 minutes parked, then 20 more minutes east: 81 fixes.
    static func drive(start: Int64) -> [(time: Int64, lat: Double, lon: Double)] {
        var fixes: [(Int64, Double, Double)] = []
        var lon = 25.0
        let step = 1000.0 / (111_320 * cos(45.5 * .pi / 180)) // 1 km of longitude
        for minute in 0...80 {
            let wobble = (minute % 2 == 0 ? 1.0 : -1.0) * 3 / 111_320
            if minute <= 40 || minute > 60 { lon += minute == 0 ? 0 : step }
            fixes.append((start + Int64(minute) * 60_000, 45.5 + wobble, lon))
        }
        return fixes
    }

    @Test func simplifiedTrackWithDistanceStopsGeoJSONAndPages() async throws {
        let start = WallClock.nowMilliseconds() - 7_200_000
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let id = try await harness.addVehicle(token: alice, plate: "B 50 TRK", imei: Self.imei)
        let device = try await TestDeviceClient.connect(port: harness.devicePort)
        try await device.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await device.read(1) == [0x01])
        let fixes = Self.drive(start: start)
        for chunk in stride(from: 0, to: fixes.count, by: 20) {
            try await device.send(FrameFactory.codec8(records: Array(fixes[chunk..<min(chunk + 20, fixes.count)])))
            _ = try await device.read(4)
        }
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 81) == 81)
        let from = UTCTime.iso8601(milliseconds: start - 1000)
        let to = UTCTime.iso8601(milliseconds: start + 81 * 60_000)

        let (status, raw) = try await harness.call("GET", "/api/fleet/vehicles/\(id)/track?from=\(from)&to=\(to)", token: alice)
        #expect(status == 200)
        let full = try #require(raw as? [String: Any])
        #expect((full["positions"] as? [Any])?.count == 81)
        #expect(full["pointCount"] as? Int == 81)
        // 60 one-kilometre legs plus the wobble.
        let distance = try #require(full["distanceMeters"] as? Double)
        #expect(abs(distance - 60_000) < 300, "distance \(distance)")
        let stops = try #require(full["stops"] as? [[String: Any]])
        #expect(stops.count == 1)
        #expect(stops.first?["durationSeconds"] as? Int == 1200)

        // Douglas-Peucker at 50 m: a straight line with a park in the middle keeps a handful of points.
        let (_, simplifiedRaw) = try await harness.call("GET", "/api/fleet/vehicles/\(id)/track?from=\(from)&to=\(to)&simplify=50", token: alice)
        let simplified = try #require(simplifiedRaw as? [String: Any])
        let kept = try #require(simplified["positions"] as? [[String: Any]])
        #expect(kept.count >= 2 && kept.count <= 6, "kept \(kept.count)")
        #expect(kept.first?["timestamp"] as? String == UTCTime.iso8601(milliseconds: start), "the first fix is kept")
        #expect(simplified["simplifiedToleranceMeters"] as? Double == 50)
        #expect(simplified["distanceMeters"] as? Double == full["distanceMeters"] as? Double, "distance is over the raw fixes")

        // Pages of 30: follow `next` to the end.
        var pageFrom = from
        var seen = 0
        var pages = 0
        while pages < 10 {
            let (_, pageRaw) = try await harness.call("GET", "/api/fleet/vehicles/\(id)/track?from=\(pageFrom)&to=\(to)&limit=30", token: alice)
            let page = try #require(pageRaw as? [String: Any])
            seen += (page["positions"] as? [Any])?.count ?? 0
            pages += 1
            guard let next = page["next"] as? String else { break }
            #expect(page["truncated"] as? Bool == true)
            pageFrom = next
        }
        #expect(pages == 3)
        #expect(seen == 81, "every fix exactly once across pages")

        // GeoJSON on request.
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(harness.httpPort)/api/fleet/vehicles/\(id)/track?from=\(from)&to=\(to)")!)
        request.setValue("Bearer \(alice)", forHTTPHeaderField: "Authorization")
        request.setValue("application/geo+json", forHTTPHeaderField: "Accept")
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type") == "application/geo+json")
        let geo = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(geo["type"] as? String == "FeatureCollection")
        let features = try #require(geo["features"] as? [[String: Any]])
        let line = try #require(features.first { ($0["geometry"] as? [String: Any])?["type"] as? String == "LineString" })
        let coordinates = try #require((line["geometry"] as? [String: Any])?["coordinates"] as? [[Double]])
        #expect(coordinates.count == 81)
        #expect(abs(coordinates[0][0] - 25.0) < 1e-6 && abs(coordinates[0][1] - 45.5) < 1e-4, "[long, lat] order")

        // Bad parameters.
        for query in ["simplify=-5", "simplify=abc", "limit=0", "from=yesterday", "from=\(to)&to=\(from)", "stopMinutes=0"] {
            let (bad, _) = try await harness.call("GET", "/api/fleet/vehicles/\(id)/track?\(query)", token: alice)
            #expect(bad == 400, "\(query)")
        }
        await device.close()
        try await harness.stop()
    }
}
