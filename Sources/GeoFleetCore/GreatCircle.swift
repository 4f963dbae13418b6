import Foundation

/// Great-circle distances on a spherical Earth (the IUGG mean radius), as PostGIS's `ST_DistanceSphere`.
public enum GreatCircle {
    /// Mean Earth radius in metres (IUGG), the radius `ST_DistanceSphere` uses.
    public static let earthRadiusMeters = 6_371_008.8

    /// Haversine distance in metres between two WGS84 points given in degrees.
    @inlinable
    public static func distanceMeters(lat1: Double, lon1: Double, lat2: Double, lon2: Double) -> Double {
        let toRad = Double.pi / 180
        let dLat = (lat2 - lat1) * toRad
        let dLon = (lon2 - lon1) * toRad
        let s1 = sin(dLat / 2)
        let s2 = sin(dLon / 2)
        let a = s1 * s1 + cos(lat1 * toRad) * cos(lat2 * toRad) * s2 * s2
        return 2 * earthRadiusMeters * asin(min(1, a.squareRoot()))
    }
}
