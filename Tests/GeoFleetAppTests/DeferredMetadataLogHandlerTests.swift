import GeoFleetApp
import Logging
import Synchronization
import Testing

@Suite struct DeferredMetadataLogHandlerTests {
    /// Records what it is asked to write, and how often its own metadata was set.
    struct Recorder: LogHandler {
        final class Box: Sendable {
            let lines = Mutex<[Logger.Metadata]>([])
            let metadataSets = Mutex(0)
        }
        let box: Box
        var logLevel: Logger.Level = .info
        var metadata: Logger.Metadata = [:] {
            didSet { box.metadataSets.withLock { $0 += 1 } }
        }
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { box.lines.withLock { $0.append(event.metadata ?? [:]) } }
    }

    @Test func metadataReachesTheLineWithoutBeingSetOnTheInnerHandler() {
        let box = Recorder.Box()
        var logger = Logger(label: "test") { _ in DeferredMetadataLogHandler(Recorder(box: box)) }
        let setsBefore = box.metadataSets.withLock { $0 }
        logger[metadataKey: "user"] = "user_1"
        logger[metadataKey: "request"] = "r1"
        #expect(box.metadataSets.withLock { $0 } == setsBefore)
        logger.info("hello", metadata: ["request": "explicit"])
        logger.debug("below the level")
        let lines = box.lines.withLock { $0 }
        #expect(lines.count == 1)
        #expect(lines.first?["user"] == "user_1")
        #expect(lines.first?["request"] == "explicit")
    }
}
