import Foundation
import GeoFleetTestSupport
import Testing

/// `/api/geofences`: the three shapes stored and read back, and clear 400s (and 413) for bad input.
@Suite(.serialized) struct GeofenceAPITests {
    func square(_ lat: Double, _ lon: Double, _ d: Double) -> [[Double]] {
        [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    }

    @Test("create, read, list, replace and delete the three shapes; the store has a geography for each")
    func lifecycle() async throws {
        let harness = try await EngineHarness.start()
        let token = try await harness.token("user_fences")
        let bodies: [[String: Any]] = [
            [
                "name": "depot", "area": ["type": "circle", "center": ["lat": 44.43, "long": 26.10], "radiusMeters": 250], "dwellMinutes": 30,
                "schedule": ["days": ["mon", "fri"], "from": "22:00", "to": "06:00", "timeZone": "Europe/Bucharest"],
            ],
            [
                "name": "yard with hole",
                "area": ["type": "polygon", "coordinates": [square(44.40, 26.00, 0.02), square(44.405, 26.005, 0.005)]], "speedLimitKmh": 10,
            ],
            ["name": "A1 leg", "area": ["type": "corridor", "line": [[26.0, 44.4], [25.5, 44.6], [25.0, 44.8]], "widthMeters": 200]],
        ]
        var ids: [String] = []
        for body in bodies {
            let (status, json) = try await harness.call("POST", "/api/geofences", token: token, body: body)
            #expect(status == 201, "\(String(describing: json))")
            ids.append(try #require((json as? [String: Any])?["geofenceId"] as? String))
        }
        let (_, list) = try await harness.call("GET", "/api/geofences", token: token)
        let fences = try #require((list as? [String: Any])?["geofences"] as? [[String: Any]])
        #expect(fences.compactMap { $0["id"] as? String } == ids)
        #expect(fences[0]["dwellMinutes"] as? Int == 30)
        let schedule = try #require(fences[0]["schedule"] as? [String: Any])
        #expect(schedule["days"] as? [String] == ["mon", "fri"] && schedule["from"] as? String == "22:00")
        #expect(schedule["timeZone"] as? String == "Europe/Bucharest")
        #expect(fences[1]["schedule"] == nil)
        #expect(((fences[0]["area"] as? [String: Any])?["radiusMeters"] as? Double) == 250)
        #expect(((fences[1]["area"] as? [String: Any])?["coordinates"] as? [[[Double]]])?.count == 2)
        #expect(fences[1]["speedLimitKmh"] as? Double == 10)
        // PostGIS areas: the circle ≈ π r², the holed square less its hole, the corridor ≈ length × width.
        let circleArea = try await harness.count("SELECT ST_Area(geom)::bigint FROM geofences WHERE id = '\(ids[0])'")
        #expect(abs(Double(circleArea) / (Double.pi * 250 * 250) - 1) < 0.02)
        let holed = try await harness.count("SELECT ST_Area(geom)::bigint FROM geofences WHERE id = '\(ids[1])'")
        let outer = try await harness.count(
            "SELECT ST_Area(ST_MakeEnvelope(26.00, 44.40, 26.02, 44.42, 4326)::geography)::bigint")
        let hole = try await harness.count(
            "SELECT ST_Area(ST_MakeEnvelope(26.005, 44.405, 26.010, 44.410, 4326)::geography)::bigint")
        #expect(abs(Double(holed) / Double(outer - hole) - 1) < 0.01)
        let corridorArea = try await harness.count("SELECT ST_Area(geom)::bigint FROM geofences WHERE id = '\(ids[2])'")
        let length = try await harness.count("SELECT ST_Length(ST_GeomFromText('LINESTRING(26 44.4, 25.5 44.6, 25 44.8)', 4326)::geography)::bigint")
        #expect(abs(Double(corridorArea) / Double(length * 200) - 1) < 0.02)

        let (putStatus, _) = try await harness.call(
            "PUT", "/api/geofences/\(ids[0])", token: token,
            body: ["name": "depot (bigger)", "area": ["type": "circle", "center": ["lat": 44.43, "long": 26.10], "radiusMeters": 500]])
        #expect(putStatus == 200)
        let (_, one) = try await harness.call("GET", "/api/geofences/\(ids[0])", token: token)
        #expect((one as? [String: Any])?["name"] as? String == "depot (bigger)")
        #expect((one as? [String: Any])?["dwellMinutes"] == nil)
        #expect(try await harness.call("DELETE", "/api/geofences/\(ids[1])", token: token).status == 200)
        #expect(try await harness.call("GET", "/api/geofences/\(ids[1])", token: token).status == 404)
        #expect(try await harness.call("DELETE", "/api/geofences/\(ids[1])", token: token).status == 404)
        #expect(try await harness.count("SELECT count(*) FROM geofences") == 2)
        try await harness.stop()
    }

    @Test("bad geometry, huge polygons and unknown fields get clear errors and store nothing")
    func refusals() async throws {
        let harness = try await EngineHarness.start()
        let token = try await harness.token("user_fences_bad")
        func refused(_ body: Any, _ status: Int, _ message: String) async throws {
            let (got, json) = try await harness.call("POST", "/api/geofences", token: token, body: body)
            #expect(got == status, "\(body)")
            let error = (json as? [String: Any])?["error"] as? String ?? ""
            #expect(error.localizedCaseInsensitiveContains(message), "\(error)")
        }
        try await refused(
            ["name": "bowtie", "area": ["type": "polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]]], 400, "intersect")
        try await refused(["name": "x", "area": ["type": "circle", "center": ["lat": 95, "long": 0], "radiusMeters": 10]], 400, "lat")
        try await refused(["name": "x", "area": ["type": "circle", "center": ["lat": 45, "long": 0], "radiusMeters": 0]], 400, "radius")
        try await refused(["name": "x", "area": ["type": "corridor", "line": [[0, 0]], "widthMeters": 10]], 400, "corridor")
        try await refused(
            ["name": "x", "area": ["type": "circle", "center": ["lat": 45, "long": 0], "radiusMeters": 10], "colour": "red"], 400, "colour")
        try await refused(["name": "x", "area": ["type": "circle", "center": ["lat": 45, "long": 0, "alt": 3], "radiusMeters": 10]], 400, "alt")
        try await refused(["name": "", "area": ["type": "circle", "center": ["lat": 45, "long": 0], "radiusMeters": 10]], 400, "name")
        try await refused(
            ["name": "x", "area": ["type": "circle", "center": ["lat": 45, "long": 0], "radiusMeters": 10], "speedLimitKmh": -5], 400, "speedLimitKmh"
        )
        // 10,001 vertices (a circle-ish ring): refused by count, before any geometry work.
        var ring: [[Double]] = (0..<10_000).map { i in
            let a = Double(i) / 10_000 * 2 * .pi
            return [10 + 0.01 * cos(a), 45 + 0.01 * sin(a)]
        }
        ring.append(ring[0])
        try await refused(["name": "huge", "area": ["type": "polygon", "coordinates": [ring]]], 400, "10000")
        // Over the body limit: refused whole.
        let padded = (0..<60_000).map { i in [10 + Double(i) * 1e-7, 45.123456789012] }
        try await refused(["name": "enormous", "area": ["type": "polygon", "coordinates": [padded]]], 413, "larger")
        #expect(try await harness.count("SELECT count(*) FROM geofences") == 0)
        // 9,999 vertices are fine.
        var fine: [[Double]] = (0..<9_998).map { i in
            let a = Double(i) / 9_998 * 2 * .pi
            return [10 + 0.01 * cos(a), 45 + 0.01 * sin(a)]
        }
        fine.append(fine[0])
        let (status, _) = try await harness.call(
            "POST", "/api/geofences", token: token, body: ["name": "big", "area": ["type": "polygon", "coordinates": [fine]]])
        #expect(status == 201)
        try await harness.stop()
    }
}
