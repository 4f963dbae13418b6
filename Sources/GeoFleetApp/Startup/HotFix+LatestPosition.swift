import GeoFleetCore
import GeoFleetHotIndex
import GeoFleetPostGIS

extension HotFix {
    /// A vehicle's stored latest fix as the hot index keeps it. `receivedTime`: when it was read (a stored
    /// fix dated in the future was received by then at the latest, so later real fixes beat it).
    init(_ p: LatestPosition, receivedTime: Int64) {
        self.init(
            vehicleKey: p.vehicleKey, latitude: p.latitude, longitude: p.longitude, fixTime: p.fixTime, speedKmh: p.speedKmh,
            heading: p.heading, source: PositionSource(name: p.source) ?? .device, receivedTime: receivedTime)
    }
}
