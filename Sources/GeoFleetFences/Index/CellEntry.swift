/// One fence filed in a grid cell, with its box padded by `FenceIndex.paddingMeters` kept inline (rounded outward to
/// Float), so that the many candidates a query rejects are rejected without touching the fence itself.
struct CellEntry: Sendable {
    let slot: Int32
    let minLatitude: Float
    let maxLatitude: Float
    let minLongitude: Float
    let maxLongitude: Float

    init(slot: Int32, shape: PreparedShape, paddingMeters: Double) {
        self.slot = slot
        // A metre more than asked covers the rounding of query points to Float (a fraction of a metre).
        let mLat = (paddingMeters + 1) * PreparedShape.latitudeDegreesPerMeter
        let mLon = (paddingMeters + 1) * shape.longitudeDegreesPerMeter
        minLatitude = Float(shape.minLatitude - mLat).nextDown
        maxLatitude = Float(shape.maxLatitude + mLat).nextUp
        minLongitude = Float(shape.minLongitude - mLon).nextDown
        maxLongitude = Float(shape.maxLongitude + mLon).nextUp
    }

    /// Whether the padded box holds the point.
    @inline(__always)
    func contains(latitude: Float, longitude: Float) -> Bool {
        latitude >= minLatitude && latitude <= maxLatitude && longitude >= minLongitude && longitude <= maxLongitude
    }

    /// Whether the padded box meets the box of a segment.
    @inline(__always)
    func meets(minLatitude south: Float, maxLatitude north: Float, minLongitude west: Float, maxLongitude east: Float) -> Bool {
        north >= minLatitude && south <= maxLatitude && east >= minLongitude && west <= maxLongitude
    }
}
