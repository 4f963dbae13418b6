import Foundation
import GeoFleetRedis
import GeoFleetTestSupport
import Testing

/// Each test gets its own redis-server (started in init, stopped in deinit).
@Suite("RedisConnection against a real redis-server")
final class RedisConnectionTests {
    let server: RedisServerProcess

    init() throws {
        server = try RedisServerProcess()
    }

    deinit {
        server.stop()
    }

    @Test func setAndGet() throws {
        let redis = try server.connect()
        #expect(try redis.command(["SET", "greeting", "hello world"]) == .status("OK"))
        #expect(try redis.command(["GET", "greeting"]) == .string("hello world"))
        #expect(try redis.command(["SET", "empty", ""]) == .status("OK"))
        #expect(try redis.command(["GET", "empty"]) == .string(""))
        #expect(try redis.command(["SET", "unicode", "Zürich → Cluj-Napoca ✓"]) == .status("OK"))
        #expect(try redis.command(["GET", "unicode"]) == .string("Zürich → Cluj-Napoca ✓"))
        #expect(try redis.command(["GET", "missing"]) == .null)
        #expect(try redis.command(["INCRBY", "counter", "41"]) == .integer(41))
        #expect(try redis.command(["INCR", "counter"]) == .integer(42))
        #expect(try redis.command(["DEL", "greeting", "empty", "nope"]) == .integer(2))
    }

    @Test func geoAddAndSearch() throws {
        let redis = try server.connect()
        let added = try redis.command([
            "GEOADD", "fleet", "13.405", "52.520", "v:berlin", "13.300", "52.450", "v:steglitz", "2.352", "48.857", "v:paris",
        ])
        #expect(added == .integer(3))
        let found = try redis.command([
            "GEOSEARCH", "fleet", "FROMLONLAT", "13.40", "52.52", "BYRADIUS", "50", "km", "ASC", "COUNT", "10",
        ])
        #expect(found == .array([.string("v:berlin"), .string("v:steglitz")]))
        let withDistance = try redis.command([
            "GEOSEARCH", "fleet", "FROMLONLAT", "2.35", "48.85", "BYRADIUS", "10", "km", "ASC", "COUNT", "1", "WITHDIST",
        ])
        guard case .array(let rows) = withDistance, case .array(let first)? = rows.first,
            case .string(let name) = first[0], case .string(let km) = first[1]
        else {
            Issue.record("unexpected reply \(withDistance)")
            return
        }
        #expect(name == "v:paris")
        #expect((Double(km) ?? 99) < 1)
        // Updating a member's position is not an addition.
        #expect(try redis.command(["GEOADD", "fleet", "13.41", "52.52", "v:berlin"]) == .integer(0))
    }

    @Test func pipelineKeepsOrder() throws {
        let redis = try server.connect()
        var commands: [[String]] = (0..<500).map { ["SET", "k\($0)", "v\($0)"] }
        commands += (0..<500).map { ["GET", "k\($0)"] }
        let replies = try redis.pipeline(commands)
        #expect(replies.count == 1000)
        #expect(replies[..<500].allSatisfy { $0 == .status("OK") })
        #expect(Array(replies[500...]) == (0..<500).map { .string("v\($0)") })
        #expect(try redis.pipeline([]) == [])
    }

    @Test func errorRepliesAreValuesAndTheConnectionSurvives() throws {
        let redis = try server.connect()
        guard case .error(let message) = try redis.command(["NOSUCHCOMMAND", "x"]) else {
            Issue.record("expected an error reply")
            return
        }
        #expect(message.hasPrefix("ERR"))
        _ = try redis.command(["SET", "text", "abc"])
        guard case .error(let wrongType) = try redis.command(["INCR", "text"]) else {
            Issue.record("expected an error reply")
            return
        }
        #expect(wrongType.hasPrefix("ERR") || wrongType.hasPrefix("WRONGTYPE"))
        // An error in the middle of a pipeline only affects its own slot.
        let replies = try redis.pipeline([["SET", "a", "1"], ["LPUSH", "text", "x"], ["GET", "a"]])
        #expect(replies.count == 3)
        #expect(replies[0] == .status("OK"))
        if case .error(let e) = replies[1] { #expect(e.hasPrefix("WRONGTYPE")) } else { Issue.record("expected WRONGTYPE") }
        #expect(replies[2] == .string("1"))
        #expect(try redis.command(["PING"]) == .status("PONG"))
    }

    @Test func nestedArraysAndNulls() throws {
        let redis = try server.connect()
        _ = try redis.command(["HSET", "h", "f1", "v1"])
        #expect(try redis.command(["HMGET", "h", "f1", "nope"]) == .array([.string("v1"), .null]))
        #expect(try redis.command(["LRANGE", "nolist", "0", "-1"]) == .array([]))
        let scan = try redis.command(["SCAN", "0", "MATCH", "h", "COUNT", "100"])
        guard case .array(let parts) = scan, parts.count == 2, case .array(let keys) = parts[1] else {
            Issue.record("unexpected SCAN reply \(scan)")
            return
        }
        #expect(keys == [.string("h")])
    }

    @Test func unixSocket() throws {
        let redis = try RedisConnection(unixSocket: server.unixSocket)
        #expect(try redis.command(["PING"]) == .status("PONG"))
    }

    @Test func sharedConnectionFromManyTasks() async throws {
        let redis = try server.connect()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<100 { _ = try redis.command(["INCR", "hits"]) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try redis.command(["GET", "hits"]) == .string("800"))
    }

    @Test func invalidAndBrokenConnections() throws {
        let redis = try server.connect()
        #expect(throws: RedisError.invalidCommand("empty command")) { try redis.command([]) }
        #expect(try redis.command(["QUIT"]) == .status("OK"))
        // The server closed the socket: this and every later call fail instead of hanging.
        #expect(throws: RedisError.self) { try redis.command(["PING"]) }
        #expect(throws: RedisError.self) { try redis.pipeline([["PING"]]) }
    }

    @Test func connectionRefused() throws {
        let port = freePort()
        #expect(throws: RedisError.self) { try RedisConnection(host: "127.0.0.1", port: port, timeout: .seconds(1)) }
        #expect(throws: RedisError.self) { try RedisConnection(unixSocket: "/nonexistent/redis.sock") }
    }
}
