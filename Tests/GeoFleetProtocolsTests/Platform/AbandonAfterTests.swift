import GeoFleetPlatform
import Testing

/// `abandon(after:)`: a call that never answers does not hold its caller.
@Suite struct AbandonAfterTests {
    @Test func answerInTimeIsReturned() async throws {
        #expect(try await abandon(after: .seconds(5)) { 42 } == 42)
    }

    @Test("an operation that never resumes, even when cancelled, is given up after the limit")
    func neverAnswering() async throws {
        let started = ContinuousClock.now
        await #expect(throws: OperationTimedOut.self) {
            try await abandon(after: .milliseconds(200)) { () async throws -> Int in
                // Ignores cancellation: sleeps an hour whatever happens.
                while true { try? await Task.sleep(for: .seconds(3600)) }
            }
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}
