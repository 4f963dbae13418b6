import GeoFleetCore

/// A fence's shape (the API's `area`).
public enum FenceArea: Sendable, Equatable {
    case circle(center: GeoPoint, radiusMeters: Double)
    /// GeoJSON polygon rings: rings[0] the shell, the rest holes; each ring closed (first == last) or not (you close it).
    case polygon(rings: [[GeoPoint]])
    /// A buffer of `widthMeters` total width (half each side) around a LineString, e.g. a planned route.
    case corridor(line: [GeoPoint], widthMeters: Double)
}
