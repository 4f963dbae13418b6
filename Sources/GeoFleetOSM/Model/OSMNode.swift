/// An OSM node: a point with its WGS84 coordinates in degrees and its tags.
public struct OSMNode: Sendable, Equatable {
    public var id: Int64
    public var latitude: Double
    public var longitude: Double
    public var tags: [String: String]

    public init(id: Int64, latitude: Double, longitude: Double, tags: [String: String] = [:]) {
        self.id = id
        self.latitude = latitude
        self.longitude = longitude
        self.tags = tags
    }
}
