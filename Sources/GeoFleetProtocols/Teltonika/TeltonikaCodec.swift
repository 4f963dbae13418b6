/// The AVL codecs the Teltonika TCP/UDP decoder understands, by their wire Codec ID.
public enum TeltonikaCodec: UInt8, Sendable {
    case codec8 = 0x08
    case codec8Extended = 0x8E
    case codec16 = 0x10

    /// Bytes of an IO element id: Codec 8 uses 1, Codec 8 Extended and Codec 16 use 2.
    var ioIDSize: Int { self == .codec8 ? 1 : 2 }

    /// Bytes of each IO count (total and per group): only Codec 8 Extended widened them to 2.
    var ioCountSize: Int { self == .codec8Extended ? 2 : 1 }

    /// Bytes of the Event IO ID: 1 in Codec 8, 2 in the others.
    var eventIDSize: Int { self == .codec8 ? 1 : 2 }

    /// The smallest record this codec can encode (no IO elements), used to bound an untrusted record count.
    /// Timestamp 8 + priority 1 + GPS 15 + event id + (generation type) + total count + 4 or 5 group counts.
    var minimumRecordSize: Int {
        switch self {
        case .codec8: return 8 + 1 + 15 + 1 + 1 + 4
        case .codec8Extended: return 8 + 1 + 15 + 2 + 2 + 5 * 2
        case .codec16: return 8 + 1 + 15 + 2 + 1 + 1 + 4
        }
    }
}
