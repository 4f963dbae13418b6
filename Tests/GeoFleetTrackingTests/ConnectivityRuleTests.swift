import Testing
@testable import GeoFleetTracking

/// online / unknown / offline from the last fix and open connections.
@Suite struct ConnectivityRuleTests {
    let rule = ConnectivityRule(unknownAfterSeconds: 600, offlineAfterSeconds: 3600)
    let now: Int64 = 1_800_000_000_000

    @Test func byAge() {
        #expect(rule.classify(lastSeen: now - 10_000, connected: false, now: now) == .online)
        #expect(rule.classify(lastSeen: now - 600_000, connected: false, now: now) == .online)
        #expect(rule.classify(lastSeen: now - 600_001, connected: false, now: now) == .unknown)
        #expect(rule.classify(lastSeen: now - 3_600_000, connected: false, now: now) == .unknown)
        #expect(rule.classify(lastSeen: now - 3_600_001, connected: false, now: now) == .offline)
        #expect(rule.classify(lastSeen: nil, connected: false, now: now) == .offline)
    }

    @Test("an open connection is online however old the last fix")
    func connected() {
        #expect(rule.classify(lastSeen: nil, connected: true, now: now) == .online)
        #expect(rule.classify(lastSeen: now - 86_400_000, connected: true, now: now) == .online)
    }

    @Test("an offline timeout below the status timeout is raised to it")
    func offlineNotBeforeUnknown() {
        let odd = ConnectivityRule(unknownAfterSeconds: 600, offlineAfterSeconds: 60)
        #expect(odd.classify(lastSeen: now - 300_000, connected: false, now: now) == .online)
        #expect(odd.classify(lastSeen: now - 601_000, connected: false, now: now) == .offline)
    }
}
