import Foundation
import GeoFleetCore
import GeoFleetPricing
import Hummingbird

/// `POST /api/market/deals`: the marketplace reports an accepted price (service token only); quote
/// suggestions compare loads with these deals.
struct MarketDealRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("market/deals", use: create)
    }

    struct Body: StrictBody {
        struct End: Decodable {
            var lat: Double
            var long: Double
            var country: String?
        }

        var id: String?
        var origin: End
        var destination: End
        var date: String
        var weight: Double
        var price: Double
        var currency: String?

        static let allowedKeys: Set<String> = ["id", "origin", "destination", "date", "weight", "price", "currency"]
        static let nestedAllowedKeys: [String: Set<String>] = ["origin": ["lat", "long", "country"], "destination": ["lat", "long", "country"]]
    }

    /// Deals older than this or more than a day ahead are refused: they could never be comparable.
    static let maxAgeDays: Int64 = 366

    @Sendable func create(request: Request, context: APIRequestContext) async throws -> Response {
        guard try context.requireUser().role == "service" else {
            throw APIError(.forbidden, "only a service token (role: service) may report market deals")
        }
        guard let pricing = deps.pricing else { throw APIError(.serviceUnavailable, "market deals are not available on this node") }
        let body = try await request.decodeStrict(Body.self, context: context)
        func end(_ e: Body.End, _ name: String) throws -> (GeoPoint, String?) {
            (
                GeoPoint(
                    latitude: try Validate.latitude(e.lat, field: "\(name).lat"), longitude: try Validate.longitude(e.long, field: "\(name).long")),
                try e.country.map { try Validate.country($0, field: "\(name).country") }
            )
        }
        let (origin, originCountry) = try end(body.origin, "origin")
        let (destination, destinationCountry) = try end(body.destination, "destination")
        let parsed = try Validate.time(body.date, field: "date")
        let day = parsed - ((parsed % 86_400_000) + 86_400_000) % 86_400_000
        let now = deps.now()
        guard day <= now + 86_400_000, day >= now - Self.maxAgeDays * 86_400_000 else {
            throw APIError.badRequest("date must be within the last \(Self.maxAgeDays) days")
        }
        guard body.weight.isFinite, body.weight > 0, body.weight <= 100_000 else {
            throw APIError.badRequest("weight must be more than 0 and at most 100000 kg")
        }
        guard body.price.isFinite, body.price > 0, body.price <= 10_000_000 else {
            throw APIError.badRequest("price must be more than 0 and at most 10000000")
        }
        guard let currency = Currency(rawValue: (body.currency ?? "EUR").uppercased()) else {
            throw APIError.badRequest("currency must be EUR or RON")
        }
        let id = try body.id.map { try Validate.reference($0, field: "id") } ?? UUID().apiText
        let deal = MarketDeal(
            id: id, origin: origin, originCountry: originCountry, destination: destination, destinationCountry: destinationCountry,
            date: day, weightKg: body.weight, price: Exact.decimal(body.price, places: 2), currency: currency)
        try await pricing.deals.record(deal, receivedBy: try context.requireUser().id)
        var w = JSONWriter(capacity: 64)
        w.beginObject()
        w.key("dealId")
        w.string(id)
        w.endObject()
        return Response(
            status: .created, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: w.bytes)))
    }
}
