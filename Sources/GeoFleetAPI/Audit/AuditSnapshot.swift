import Foundation
import GeoFleetCore
import GeoFleetMatching
import GeoFleetPostGIS

/// An object's audited fields as two JSON objects: the plain fields, and its coordinates apart.
struct AuditSnapshot: Sendable {
    var fieldsJSON: String
    var coordinatesJSON: String?

    private static func json(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func point(_ p: ManualPosition) -> [String: Any] {
        var o: [String: Any] = ["lat": p.lat, "long": p.long]
        if let a = p.address { o["address"] = a }
        return o
    }

    /// A vehicle's fields (the marketplace's names); its manual position and cargo points as coordinates.
    init(vehicle v: Vehicle) {
        var fields: [String: Any] = [
            "type": v.type, "licensePlate": v.licensePlate, "capacity": ["weight": v.capacityWeightKg, "volume": v.capacityVolumeM3],
            "status": v.status,
        ]
        fields["driverId"] = v.driverID ?? NSNull()
        fields["gpsDeviceId"] = v.gpsDeviceID ?? NSNull()
        fields["currentCargoId"] = v.currentCargoID ?? NSNull()
        fieldsJSON = Self.json(fields)
        var points: [String: Any] = [:]
        if let m = v.manualPosition { points["manualPosition"] = Self.point(m) }
        if let c = v.currentCargo { points["currentCargo"] = ["pickup": Self.point(c.pickup), "delivery": Self.point(c.delivery)] }
        coordinatesJSON = points.isEmpty ? nil : Self.json(points)
    }

    /// A load's fields; its pickup and delivery as coordinates.
    init(cargo c: Cargo) {
        var fields: [String: Any] = [
            "weight": c.weightKg, "status": c.status, "loadingDate": UTCTime.iso8601(milliseconds: c.loadingFrom),
            "loadingDateEnd": UTCTime.iso8601(milliseconds: c.loadingTo),
        ]
        fields["volume"] = c.volumeM3 ?? NSNull()
        fields["vehicleType"] = c.vehicleType ?? NSNull()
        fields["deliveryDate"] = c.deliveryBy.map { UTCTime.iso8601(milliseconds: $0) } ?? NSNull()
        fields["totalPrice"] = c.totalPrice ?? NSNull()
        fields["shipperId"] = c.shipperID ?? NSNull()
        fieldsJSON = Self.json(fields)
        coordinatesJSON = Self.json([
            "pickup": ["lat": c.pickup.latitude, "long": c.pickup.longitude],
            "delivery": ["lat": c.delivery.latitude, "long": c.delivery.longitude],
        ])
    }

    /// A manual placement: no fields, one point.
    init(position: ManualPosition) {
        fieldsJSON = "{}"
        coordinatesJSON = Self.json(["manualPosition": Self.point(position)])
    }

    /// Any other object's fields, already without coordinates.
    init(fields: [String: Any], coordinates: [String: Any]? = nil) {
        fieldsJSON = Self.json(fields)
        coordinatesJSON = coordinates.map(Self.json)
    }
}
