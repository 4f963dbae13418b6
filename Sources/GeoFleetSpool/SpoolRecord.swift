/// One durable payload and the sequence it was appended under.
public struct SpoolRecord: Sendable, Equatable {
    public var sequence: UInt64
    public var payload: [UInt8]

    public init(sequence: UInt64, payload: [UInt8]) {
        self.sequence = sequence
        self.payload = payload
    }
}
