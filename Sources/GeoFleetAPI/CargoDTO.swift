import GeoFleetPostGIS

/// A vehicle's cargo assignment as the API shows it: pickup and delivery points.
struct CargoDTO: Encodable {
    /// A point with its optional address.
    struct Point: Encodable {
        var lat: Double
        var long: Double
        var address: String?

        init(_ p: ManualPosition) {
            lat = p.lat
            long = p.long
            address = p.address
        }
    }

    var pickup: Point
    var delivery: Point

    init(_ c: CargoAssignment) {
        pickup = Point(c.pickup)
        delivery = Point(c.delivery)
    }
}
