import Foundation

/// A vehicle as stored (the marketplace's Vehicle model).
public struct Vehicle: Sendable, Hashable {
    public var id: UUID
    /// Internal key carried by history rows.
    public var key: Int64
    public var userID: String
    public var type: String
    public var licensePlate: String
    public var capacityWeightKg: Double
    public var capacityVolumeM3: Double
    public var gpsDeviceID: String?
    public var manualPosition: ManualPosition?
    public var driverID: String?
    public var status: String
    public var currentCargoID: String?
    /// Pickup and delivery of the current cargo, when the marketplace gave them.
    public var currentCargo: CargoAssignment?
    public var createdAt: Date
    public var updatedAt: Date
}

/// Where a vehicle's current cargo is picked up and delivered (the map's cargo overlay).
public struct CargoAssignment: Sendable, Hashable, Codable {
    public var pickup: ManualPosition
    public var delivery: ManualPosition

    public init(pickup: ManualPosition, delivery: ManualPosition) {
        self.pickup = pickup
        self.delivery = delivery
    }
}

/// A partial change to a vehicle (`PUT /api/fleet/vehicles/{id}`): nil leaves a field as it is;
/// `.some(nil)` clears a nullable one.
public struct VehicleChange: Sendable {
    public var type: String?
    public var licensePlate: String?
    public var capacityWeightKg: Double?
    public var capacityVolumeM3: Double?
    public var driverID: String??
    public var gpsDeviceID: String??
    public var status: String?
    public var currentCargoID: String??
    public var currentCargo: CargoAssignment??

    public init() {}

    /// True when nothing would change.
    public var isEmpty: Bool {
        type == nil && licensePlate == nil && capacityWeightKg == nil && capacityVolumeM3 == nil && driverID == nil
            && gpsDeviceID == nil && status == nil && currentCargoID == nil && currentCargo == nil
    }
}

/// A position a dispatcher placed by hand.
public struct ManualPosition: Sendable, Hashable, Codable {
    public var lat: Double
    public var long: Double
    public var address: String?

    public init(lat: Double, long: Double, address: String?) {
        self.lat = lat
        self.long = long
        self.address = address
    }
}

/// What a caller supplies to create a vehicle.
public struct NewVehicle: Sendable {
    public var userID: String
    public var type: String
    public var licensePlate: String
    public var capacityWeightKg: Double
    public var capacityVolumeM3: Double
    public var driverID: String?
    public var gpsDeviceID: String?
    public var manualPosition: ManualPosition?
    public var status: String

    public init(
        userID: String, type: String, licensePlate: String, capacityWeightKg: Double, capacityVolumeM3: Double,
        driverID: String? = nil, gpsDeviceID: String? = nil, manualPosition: ManualPosition? = nil, status: String = "active"
    ) {
        self.userID = userID
        self.type = type
        self.licensePlate = licensePlate
        self.capacityWeightKg = capacityWeightKg
        self.capacityVolumeM3 = capacityVolumeM3
        self.driverID = driverID
        self.gpsDeviceID = gpsDeviceID
        self.manualPosition = manualPosition
        self.status = status
    }
}

/// A tracker bound to a vehicle: what ingest needs to turn a frame into positions.
public struct DeviceBinding: Sendable, Hashable {
    public var deviceID: Int64
    public var uniqueID: String
    public var vehicleKey: Int64
    public var vehicleID: UUID
    public var owner: String
}

/// A vehicle's newest known position, as kept in `vehicle_latest`.
public struct LatestPosition: Sendable, Hashable {
    public var vehicleKey: Int64
    public var owner: String
    public var fixTime: Int64
    public var latitude: Double
    public var longitude: Double
    public var speedKmh: Double
    public var heading: Double
    public var source: String
}

/// One point of a vehicle's track.
public struct TrackPoint: Sendable, Hashable {
    public var fixTime: Int64
    public var latitude: Double
    public var longitude: Double
    public var speedKmh: Double
    public var heading: Double
    public var source: String
}

/// Why a fleet change was refused.
public enum FleetStoreError: Error, Equatable, CustomStringConvertible {
    case duplicatePlate(String)
    case deviceInUse(String)

    public var description: String {
        switch self {
        case .duplicatePlate(let plate): "a vehicle with license plate \(plate) already exists"
        // Whose vehicle holds it is not said: another tenant's fleet is none of the caller's business.
        case .deviceInUse(let id): "GPS device \(id) cannot be used"
        }
    }
}
