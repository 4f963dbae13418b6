import GeoFleetCluster
import GeoFleetRedis
import GeoFleetTestSupport
import Logging
import Testing

/// The shared GCRA buckets against a real redis-server: the Lua script's arithmetic, keys kept apart,
/// and a Redis that is gone answers nil at once instead of holding requests.
@Suite(.serialized)
final class SharedRateBucketsTests {
    let server: RedisServerProcess

    init() throws {
        server = try RedisServerProcess()
    }

    deinit { server.stop() }

    static let second: Int64 = 1_000_000_000

    @Test func aBucketPassesItsLimitThenRefusesWithTheWaitUntilTheNextRequest() async throws {
        let server = self.server
        let buckets = SharedRateBuckets(logger: Logger(label: "test.buckets")) { try server.connect() }
        // 3 per 3 s: one every second.
        var answers: [(allowed: Bool, ahead: Int64)] = []
        for _ in 0..<4 { answers.append(try #require(await buckets.take(key: "api:alice", interval: Self.second, period: 3 * Self.second))) }
        #expect(answers.map(\.allowed) == [true, true, true, false])
        // After three, the arrival time lies 3 s ahead; the refused one would need 4 s, 1 s past the period.
        #expect(abs(answers[2].ahead - 3 * Self.second) < Self.second / 2)
        #expect(answers[3].ahead - 3 * Self.second > Self.second / 2)
        #expect(try #require(await buckets.take(key: "api:bob", interval: Self.second, period: 3 * Self.second)).allowed)
        // The bucket's key expires with its period: nothing is left behind for users who went quiet.
        let ttl = try server.connect().command(["PTTL", "geofleet:ratelimit:api:alice"])
        guard case .integer(let ms) = ttl else { throw RedisError.invalidCommand("PTTL answered \(ttl)") }
        #expect(ms > 0 && ms <= 4_000)
    }

    @Test func aMissingRedisAnswersNilAtOnceAndAgainWithoutWaiting() async throws {
        let server = self.server
        let buckets = SharedRateBuckets(logger: Logger(label: "test.buckets")) { try server.connect() }
        #expect(await buckets.take(key: "api:carol", interval: Self.second, period: Self.second) != nil)
        server.stop()
        let started = ContinuousClock.now
        for _ in 0..<50 { #expect(await buckets.take(key: "api:carol", interval: Self.second, period: Self.second) == nil) }
        #expect(ContinuousClock.now - started < .seconds(2))
    }
}
