import Foundation
import GeoFleetCore
import GeoFleetMatching
import GeoFleetRouting

/// A cargo as the marketplace sends it (CONTRACT.md), validated into a ``Cargo``.
struct CargoBody: StrictBody {
    struct Point: Decodable {
        var lat: Double
        var long: Double
        var address: String?
    }

    var pickup: Point
    var delivery: Point
    var weight: Double
    var volume: Double?
    var vehicleType: String?
    var loadingDate: String
    var loadingDateEnd: String?
    var deliveryDate: String?
    var totalPrice: Double?
    var status: String?
    var shipperId: String?
    var fromCountry: String?
    var toCountry: String?

    static let allowedKeys: Set<String> = [
        "pickup", "delivery", "weight", "volume", "vehicleType", "loadingDate", "loadingDateEnd", "deliveryDate",
        "totalPrice", "status", "shipperId", "fromCountry", "toCountry",
    ]
    static let nestedAllowedKeys: [String: Set<String>] = ["pickup": ["lat", "long", "address"], "delivery": ["lat", "long", "address"]]

    static let dayMs: Int64 = 86_400_000

    /// The cargo, or a 400 naming the field. A date without a time means that whole day (UTC); a time
    /// without `loadingDateEnd` means "be there by then".
    func validated(id: String, field prefix: String = "", now: Int64) throws -> Cargo {
        func point(_ p: Point, _ name: String) throws -> GeoPoint {
            if let address = p.address { _ = try Validate.address(address, field: "\(prefix)\(name).address") }
            return GeoPoint(
                latitude: try Validate.latitude(p.lat, field: "\(prefix)\(name).lat"),
                longitude: try Validate.longitude(p.long, field: "\(prefix)\(name).long"))
        }
        guard weight.isFinite, weight > 0, weight <= 100_000 else {
            throw APIError.badRequest("\(prefix)weight must be more than 0 and at most 100000 kg")
        }
        if let volume { _ = try Validate.capacity(volume, field: "\(prefix)volume", max: 500) }
        if let vehicleType, !Validate.vehicleTypes.contains(vehicleType) {
            throw APIError.badRequest("\(prefix)vehicleType must be one of: \(Validate.vehicleTypes.sorted().joined(separator: ", "))")
        }
        if let totalPrice, !(totalPrice.isFinite && (0...10_000_000).contains(totalPrice)) {
            throw APIError.badRequest("\(prefix)totalPrice must be between 0 and 10000000")
        }
        let status = status ?? "open"
        guard Cargo.statuses.contains(status) else {
            throw APIError.badRequest("\(prefix)status must be one of: \(Cargo.statuses.sorted().joined(separator: ", "))")
        }
        let from = try Validate.time(loadingDate, field: "\(prefix)loadingDate")
        var to = loadingDate.count == 10 ? from + Self.dayMs : from
        if let end = loadingDateEnd {
            let parsed = try Validate.time(end, field: "\(prefix)loadingDateEnd")
            to = end.count == 10 ? parsed + Self.dayMs : parsed
            guard to >= from else { throw APIError.badRequest("\(prefix)loadingDateEnd must not be before loadingDate") }
        }
        var deliveryBy: Int64?
        if let deliveryDate {
            let parsed = try Validate.time(deliveryDate, field: "\(prefix)deliveryDate")
            deliveryBy = deliveryDate.count == 10 ? parsed + Self.dayMs : parsed
            guard deliveryBy! >= from else { throw APIError.badRequest("\(prefix)deliveryDate must not be before loadingDate") }
        }
        return Cargo(
            id: id, shipperID: try shipperId.map { try Validate.reference($0, field: "\(prefix)shipperId") },
            pickup: try point(pickup, "pickup"), delivery: try point(delivery, "delivery"), weightKg: weight, volumeM3: volume,
            vehicleType: vehicleType, loadingFrom: from, loadingTo: to, deliveryBy: deliveryBy, totalPrice: totalPrice,
            status: status, updatedAt: now, fromCountry: try fromCountry.map { try Validate.country($0, field: "\(prefix)fromCountry") },
            toCountry: try toCountry.map { try Validate.country($0, field: "\(prefix)toCountry") })
    }
}
