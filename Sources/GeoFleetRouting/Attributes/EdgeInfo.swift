/// What the map and the cost analysis need of a road edge besides its weights.
public struct EdgeInfo: Sendable, Equatable {
    public var roadClass: RoadClass
    public var isLink: Bool
    /// Tolled for the graph's profile (`toll=yes`, or the profile's own `toll:hgv`/`toll:N3`/`toll:motorcar`).
    public var isToll: Bool
    /// An articulated truck may not drive it (weight, height, width, length, axle load, `hgv=no`) or only to a destination.
    public var truckRestricted: Bool
    /// The way's `name`.
    public var name: String?
    /// The way's `ref` (`A1`, `DN7`, `E60`).
    public var ref: String?

    public init(
        roadClass: RoadClass, isLink: Bool = false, isToll: Bool = false, truckRestricted: Bool = false, name: String? = nil, ref: String? = nil
    ) {
        self.roadClass = roadClass
        self.isLink = isLink
        self.isToll = isToll
        self.truckRestricted = truckRestricted
        self.name = name
        self.ref = ref
    }

    /// Class in the low four bits, then link, toll and truck-restricted flags: the graph file's per-edge word.
    var packed: UInt16 {
        UInt16(roadClass.rawValue) | (isLink ? 1 << 4 : 0) | (isToll ? 1 << 5 : 0) | (truckRestricted ? 1 << 6 : 0)
    }

    /// The flags of a packed word (names are kept apart); nil when the class is unknown.
    static func unpack(_ word: UInt16) -> EdgeInfo? {
        guard let roadClass = RoadClass(rawValue: UInt8(word & 0xF)) else { return nil }
        return EdgeInfo(roadClass: roadClass, isLink: word & (1 << 4) != 0, isToll: word & (1 << 5) != 0, truckRestricted: word & (1 << 6) != 0)
    }
}
