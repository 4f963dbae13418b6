import NIOCore

/// The decoded frames of one connection, in arrival order, as its session reads them. Taking a
/// frame tells the connection's `ReadGate`, which may then read more from the socket.
struct DeviceFrames<Frame: Sendable>: AsyncSequence, Sendable {
    typealias Element = Frame

    let stream: AsyncStream<Frame>
    let taken: @Sendable () -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<Frame>.AsyncIterator
        let taken: @Sendable () -> Void

        mutating func next() async -> Frame? {
            guard let frame = await base.next() else { return nil }
            taken()
            return frame
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator(), taken: taken)
    }
}
