import Testing
@testable import GeoFleetIngest

/// One line per interval, with the count of the lines it stood for.
@Suite struct LogSamplerTests {
    @Test func logsOncePerIntervalWithTheSuppressedCount() async throws {
        let sampler = LogSampler(interval: .milliseconds(200))
        #expect(sampler.take() == 0, "the first refusal is logged")
        for _ in 0..<5 { #expect(sampler.take() == nil) }
        try await Task.sleep(for: .milliseconds(250))
        #expect(sampler.take() == 5, "the next line says how many it stood for")
        #expect(sampler.take() == nil)
    }
}
