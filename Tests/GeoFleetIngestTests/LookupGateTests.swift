import Testing
@testable import GeoFleetIngest

/// At most `limit` device lookups at once, a bounded queue behind them, refusal past it.
@Suite struct LookupGateTests {
    @Test func slotsQueueAndRefusal() async throws {
        let gate = LookupGate(limit: 2, maxWaiting: 1)
        #expect(await gate.enter())
        #expect(await gate.enter())
        let waiter = Task { await gate.enter() }
        try await Task.sleep(for: .milliseconds(50))
        #expect(await gate.enter() == false, "past the queue: refused at once")
        gate.leave()
        #expect(await waiter.value, "a freed slot goes to the waiter")
        gate.leave()
        gate.leave()
        #expect(await gate.enter())
    }
}
