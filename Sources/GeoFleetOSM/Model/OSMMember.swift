/// The kind of object an OSM relation member refers to (values as in the PBF `MemberType` enum).
public enum OSMMemberType: UInt8, Sendable {
    case node = 0, way = 1, relation = 2
}

/// One member of an OSM relation: what it refers to and its role (`""` when it has none).
public struct OSMMember: Sendable, Equatable {
    public var type: OSMMemberType
    public var ref: Int64
    public var role: String

    public init(type: OSMMemberType, ref: Int64, role: String) {
        self.type = type
        self.ref = ref
        self.role = role
    }
}
