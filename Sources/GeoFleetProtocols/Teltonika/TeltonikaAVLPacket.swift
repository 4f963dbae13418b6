/// The AVL data of one Teltonika packet: its codec and records (Number of Data 1 == records.count).
public struct TeltonikaAVLPacket: Sendable, Hashable {
    public var codec: TeltonikaCodec
    public var records: [TeltonikaRecord]

    public init(codec: TeltonikaCodec, records: [TeltonikaRecord]) {
        self.codec = codec
        self.records = records
    }
}
