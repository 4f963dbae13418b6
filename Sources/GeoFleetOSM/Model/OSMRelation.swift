/// An OSM relation: an ordered list of members and its tags.
public struct OSMRelation: Sendable, Equatable {
    public var id: Int64
    public var members: [OSMMember]
    public var tags: [String: String]

    public init(id: Int64, members: [OSMMember], tags: [String: String] = [:]) {
        self.id = id
        self.members = members
        self.tags = tags
    }
}
