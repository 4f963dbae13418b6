/// The Redis pub/sub channels the nodes of a cluster talk on (apart from the marketplace's rooms).
public enum ClusterChannel {
    /// Positions a node made durable: the others put them in their hot index.
    public static let positions = "geofleet:cluster:positions"
    /// Live events other than GPS updates (status, geofence, deal, suggestion): the others' streams carry them.
    public static let events = "geofleet:cluster:events"
    /// Data changed through a node's API: the others refresh what they cache of it.
    public static let changes = "geofleet:cluster:changes"

    public static let all = [positions, events, changes]
}
