import Logging

/// Holds a logger's metadata itself and hands it to `inner` with each line written, so setting metadata
/// costs a dictionary insert, not a re-rendering.
///
/// `StreamLogHandler` renders its whole metadata into a string every time a key is set; the API sets
/// the request's user on every request, and most requests log nothing. The lines come out the same:
/// the metadata reaches `inner` as the event's, with the event's own keys winning.
public struct DeferredMetadataLogHandler<Inner: LogHandler>: LogHandler {
    public var inner: Inner
    public var metadata: Logger.Metadata = [:]

    public init(_ inner: Inner) {
        self.inner = inner
        metadata = inner.metadata
        self.inner.metadata = [:]
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        }
        inner.log(event: event)
    }
}
