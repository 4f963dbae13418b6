import Foundation

extension EngineHarness {
    /// Waits until the event evaluator has handled everything the spool holds now.
    func waitForEvaluation(timeout: Duration = .seconds(30)) async throws {
        let last = engine.spool.lastSequence
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await count("SELECT through FROM event_watermark") >= Int(last) { return }
            try await Task.sleep(for: .milliseconds(30))
        }
        throw HarnessError("the evaluator did not reach spool sequence \(last)")
    }
}
