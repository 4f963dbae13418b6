/// Which kinds of OSM entities `PBFReader.read` decodes; the others are skipped undecoded.
public struct OSMEntityKinds: OptionSet, Sendable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    public static let nodes = OSMEntityKinds(rawValue: 1 << 0)
    public static let ways = OSMEntityKinds(rawValue: 1 << 1)
    public static let relations = OSMEntityKinds(rawValue: 1 << 2)
    public static let all: OSMEntityKinds = [.nodes, .ways, .relations]
}
