import GeoFleetCore

/// An open load as the marketplace describes it (its Cargo model), in GeoFleet's units.
public struct Cargo: Sendable, Equatable {
    public var id: String
    /// The shipper who posted it, when the marketplace says.
    public var shipperID: String?
    public var pickup: GeoPoint
    public var delivery: GeoPoint
    /// ISO 3166-1 alpha-2 of the pickup and delivery countries (the seed's `fromCountry`/`toCountry`), when known.
    public var fromCountry: String?
    public var toCountry: String?
    public var weightKg: Double
    public var volumeM3: Double?
    /// A vehicle type the load needs (`refrigerated`, `flatbed`...); nil: any.
    public var vehicleType: String?
    /// The truck must be at the pickup by `loadingTo`; arriving before `loadingFrom` means waiting.
    public var loadingFrom: Int64
    public var loadingTo: Int64
    /// The latest delivery, when the load has one.
    public var deliveryBy: Int64?
    /// What the shipper pays, in the marketplace's currency (EUR).
    public var totalPrice: Double?
    /// `open` loads are matched; any other status takes the load out of the index.
    public var status: String
    public var updatedAt: Int64

    public init(
        id: String, shipperID: String? = nil, pickup: GeoPoint, delivery: GeoPoint, weightKg: Double, volumeM3: Double? = nil,
        vehicleType: String? = nil, loadingFrom: Int64, loadingTo: Int64, deliveryBy: Int64? = nil,
        totalPrice: Double? = nil, status: String = "open", updatedAt: Int64 = 0, fromCountry: String? = nil, toCountry: String? = nil
    ) {
        self.fromCountry = fromCountry
        self.toCountry = toCountry
        self.id = id
        self.shipperID = shipperID
        self.pickup = pickup
        self.delivery = delivery
        self.weightKg = weightKg
        self.volumeM3 = volumeM3
        self.vehicleType = vehicleType
        self.loadingFrom = loadingFrom
        self.loadingTo = loadingTo
        self.deliveryBy = deliveryBy
        self.totalPrice = totalPrice
        self.status = status
        self.updatedAt = updatedAt
    }

    /// Open loads are the ones trucks can still take.
    public var isOpen: Bool { status == "open" }

    /// Statuses the marketplace uses; `open` is the only matchable one.
    public static let statuses: Set<String> = ["open", "active", "assigned", "in_transit", "delivered", "closed", "cancelled", "expired"]
}
