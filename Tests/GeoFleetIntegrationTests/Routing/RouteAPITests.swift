import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetRouting
import GeoFleetTestSupport
import Testing

/// `/api/routes/*` on a daemon that builds its graphs from a real extract (Monaco, © OpenStreetMap contributors, ODbL).
@Suite(.serialized) struct RouteAPITests {
    static func start(redis: String? = nil, dataDirectory: String? = nil, maxMatrixCells: Int? = nil) async throws -> EngineHarness {
        let monaco = try OSRMServerProcess.osmFixture("monaco.osm.pbf")
        return try await EngineHarness.start(
            dataDirectory: dataDirectory,
            tweak: { configuration in
                configuration.routing.osmPath = monaco
                configuration.routing.profiles = ["car", "articulated"]
                configuration.routing.defaultProfile = "car"
                configuration.storage.redisURL = redis
                if let maxMatrixCells { configuration.routing.maxMatrixCells = maxMatrixCells }
            })
    }

    let fontvieille: [String: Any] = ["lat": 43.7310, "long": 7.4200]
    let monteCarlo: [String: Any] = ["lat": 43.7450, "long": 7.4260]

    @Test("estimate: road answer from the built-in graph, then from the cache; geometry as GeoJSON and polyline")
    func estimate() async throws {
        let harness = try await Self.start()
        let token = try await harness.token("user_router")
        let (status, json) = try await harness.call("POST", "/api/routes/estimate", token: token, body: ["from": fontvieille, "to": monteCarlo])
        #expect(status == 200)
        let first = try #require(json as? [String: Any])
        #expect(first["source"] as? String == "road")
        #expect(first["provider"] as? String == "builtin")
        #expect(first["profile"] as? String == "car")
        // OSRM (car.lua) answers 3083.3 m for this pair.
        let distance = try #require(first["distanceMeters"] as? Double)
        #expect(abs(distance / 3083.3 - 1) < 0.02)
        #expect(first["durationWithBreaksSeconds"] as? Double == first["durationSeconds"] as? Double)
        let snapped = try #require(first["snapped"] as? [String: Any])
        #expect(((snapped["from"] as? [String: Any])?["snapDistanceMeters"] as? Double ?? 0) > 40)

        let (_, again) = try await harness.call("POST", "/api/routes/estimate", token: token, body: ["from": fontvieille, "to": monteCarlo])
        let cached = try #require(again as? [String: Any])
        #expect(cached["source"] as? String == "cache")
        #expect(cached["distanceMeters"] as? Double == distance)

        let (_, geo) = try await harness.call(
            "POST", "/api/routes/estimate", token: token,
            body: ["from": fontvieille, "to": monteCarlo, "geometry": "geojson", "profile": "articulated"])
        let withLine = try #require(geo as? [String: Any])
        #expect(withLine["profile"] as? String == "articulated")
        let geometry = try #require(withLine["geometry"] as? [String: Any])
        #expect(geometry["type"] as? String == "LineString")
        let coordinates = try #require(geometry["coordinates"] as? [[Double]])
        #expect(coordinates.count > 10)
        #expect(coordinates.allSatisfy { (7.40...7.44).contains($0[0]) && (43.72...43.76).contains($0[1]) })

        let (_, poly) = try await harness.call(
            "POST", "/api/routes/estimate", token: token,
            body: ["from": fontvieille, "to": monteCarlo, "geometry": "polyline"])
        let encoded = try #require((poly as? [String: Any])?["geometry"] as? String)
        let decoded = try #require(Polyline.decode(encoded))
        #expect(decoded.count > 10)
        try await harness.stop()
    }

    @Test("clear answers: off-network point 422, outside the map → heuristic with a band (not cached), bad input 400")
    func errors() async throws {
        let harness = try await Self.start()
        let token = try await harness.token("user_router")
        // In the Mediterranean 2.5 km off the harbour: inside the graph's area, over 1 km from any road.
        let sea: [String: Any] = ["lat": 43.712, "long": 7.46]
        let (status, json) = try await harness.call("POST", "/api/routes/estimate", token: token, body: ["from": fontvieille, "to": sea])
        #expect(status == 422)
        #expect(((json as? [String: Any])?["error"] as? String)?.contains("no road") == true)

        let bucharest: [String: Any] = ["lat": 44.4268, "long": 26.1025]
        let cluj: [String: Any] = ["lat": 46.7712, "long": 23.6236]
        for _ in 0..<2 {
            let (status, json) = try await harness.call(
                "POST", "/api/routes/estimate", token: token, body: ["from": bucharest, "to": cluj, "profile": "articulated"])
            #expect(status == 200)
            let answer = try #require(json as? [String: Any])
            #expect(answer["source"] as? String == "heuristic")
            let band = try #require((answer["errorBand"] as? [String: Any])?["distanceMeters"] as? [Double])
            let distance = try #require(answer["distanceMeters"] as? Double)
            #expect(band[0] < distance && distance < band[1])
            #expect(answer["fallbackReason"] as? String != nil)
            // 9 h of driving at most per day: a long leg's elapsed time includes a break.
            #expect(try #require(answer["durationWithBreaksSeconds"] as? Double) > (answer["durationSeconds"] as? Double ?? 0))
        }
        for (body, message) in [
            (["from": fontvieille, "to": monteCarlo, "profile": "bicycle"], "profile"),
            (["from": fontvieille], "to"),
            (["from": ["lat": 91, "long": 7.4], "to": monteCarlo], "from.lat"),
            (["from": fontvieille, "to": monteCarlo, "geometry": "kml"], "geometry"),
            (["from": fontvieille, "to": monteCarlo, "speed": 3], "speed"),
        ] as [([String: Any], String)] {
            let (status, json) = try await harness.call("POST", "/api/routes/estimate", token: token, body: body)
            #expect(status == 400)
            #expect(((json as? [String: Any])?["error"] as? String)?.contains(message) == true, "\(body)")
        }
        try await harness.stop()
    }

    @Test("matrix: 1,000 × 1,000 through the API when configured, equal to single estimates on spot checks; limits give 400")
    func matrix() async throws {
        var generator = SeededGenerator(seed: 5)
        let points: [[String: Any]] = (0..<1000).map { _ in
            ["lat": Double.random(in: 43.728...43.748, using: &generator), "long": Double.random(in: 7.410...7.432, using: &generator)]
        }
        // The default cap keeps an answer near 4 MB: a 60 KB request may not ask for 16 MB.
        let capped = try await Self.start()
        let cappedToken = try await capped.token("user_router")
        let (refused, refusal) = try await capped.call(
            "POST", "/api/routes/matrix", token: cappedToken, body: ["sources": points, "destinations": points])
        #expect(refused == 400)
        #expect(((refusal as? [String: Any])?["error"] as? String)?.contains("at most 250000 cells") == true)
        let (fits, _) = try await capped.call(
            "POST", "/api/routes/matrix", token: cappedToken,
            body: ["sources": Array(points.prefix(500)), "destinations": Array(points.prefix(500))])
        #expect(fits == 200)
        try await capped.stop()

        let harness = try await Self.start(maxMatrixCells: 1_000_000)
        let token = try await harness.token("user_router")
        let (status, json) = try await harness.call("POST", "/api/routes/matrix", token: token, body: ["sources": points, "destinations": points])
        #expect(status == 200)
        let answer = try #require(json as? [String: Any])
        #expect(answer["source"] as? String == "road")
        let distances = try #require(answer["distances"] as? [[Any]])
        #expect(distances.count == 1000 && distances.allSatisfy { $0.count == 1000 })
        let routed = distances.joined().filter { $0 is Double }.count
        #expect(routed > 900_000)
        for (row, column) in [(0, 1), (17, 400), (999, 3), (500, 500)] {
            let (_, single) = try await harness.call("POST", "/api/routes/estimate", token: token, body: ["from": points[row], "to": points[column]])
            let expected = (single as? [String: Any])?["distanceMeters"] as? Double
            #expect(expected != nil && abs((distances[row][column] as? Double ?? -1) - expected!) < 0.2, "cell \(row),\(column)")
        }
        let (empty, _) = try await harness.call("POST", "/api/routes/matrix", token: token, body: ["sources": [], "destinations": points])
        #expect(empty == 400)
        try await harness.stop()
    }

    @Test("graphs are built once into the data dir; Redis shares answers between daemons")
    func graphFilesAndRedis() async throws {
        let redis = try RedisServerProcess()
        defer { redis.stop() }
        let directory = FileManager.default.temporaryDirectory.path + "/geofleet-routes-\(UUIDString.short())"
        let first = try await Self.start(redis: "redis://127.0.0.1:\(redis.port)", dataDirectory: directory)
        let graph = directory + "/routing/monaco/car.graph"
        #expect(FileManager.default.fileExists(atPath: graph))
        let built = try FileManager.default.attributesOfItem(atPath: graph)[.modificationDate] as? Date
        let token = try await first.token("user_router")
        let (_, answer) = try await first.call("POST", "/api/routes/estimate", token: token, body: ["from": fontvieille, "to": monteCarlo])
        #expect((answer as? [String: Any])?["source"] as? String == "road")
        let keys = try redis.connect().command(["KEYS", "geofleet:route:*"])
        #expect("\(keys)".contains("geofleet:route:v1:"))
        try await first.stop()

        // A second daemon on the same data dir loads the graph (no rebuild) and finds the answer in Redis.
        let second = try await Self.start(redis: "redis://127.0.0.1:\(redis.port)", dataDirectory: directory)
        #expect(try FileManager.default.attributesOfItem(atPath: graph)[.modificationDate] as? Date == built)
        let (_, shared) = try await second.call(
            "POST", "/api/routes/estimate", token: try await second.token("user_other"),
            body: ["from": fontvieille, "to": monteCarlo])
        #expect((shared as? [String: Any])?["source"] as? String == "cache")
        try await second.stop()
    }
}
