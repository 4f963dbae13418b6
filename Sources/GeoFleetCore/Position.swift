/// Where a stored position came from.
public enum PositionSource: UInt8, Sendable, Hashable {
    case device = 0
    case manual = 1

    /// The name stored in PostGIS and shown by the API.
    public var name: String {
        switch self {
        case .device: "device"
        case .manual: "manual"
        }
    }

    public init?(name: String) {
        switch name {
        case "device": self = .device
        case "manual": self = .manual
        default: return nil
        }
    }
}

/// A position bound to a vehicle: one row of `positions` history.
public struct Position: Sendable, Hashable {
    /// The vehicle's internal key (`vehicles.key`), not its public UUID.
    public var vehicleKey: Int64
    /// `devices.id`, nil for manual positions.
    public var deviceID: Int64?
    /// Milliseconds since the Unix epoch (UTC).
    public var fixTime: Int64
    /// When GeoFleet received it, milliseconds since the Unix epoch.
    public var receivedTime: Int64
    public var latitude: Double
    public var longitude: Double
    public var altitude: Double
    public var heading: Double
    public var speedKmh: Double
    public var satellites: Int
    public var hdop: Double?
    public var accuracy: Double?
    public var source: PositionSource
    public var io: [IOElement]
    public var attributes: [DeviceAttribute]

    public init(
        vehicleKey: Int64, deviceID: Int64?, fixTime: Int64, receivedTime: Int64,
        latitude: Double, longitude: Double, altitude: Double = 0, heading: Double = 0,
        speedKmh: Double = 0, satellites: Int = 0, hdop: Double? = nil, accuracy: Double? = nil,
        source: PositionSource = .device, io: [IOElement] = [], attributes: [DeviceAttribute] = []
    ) {
        self.vehicleKey = vehicleKey
        self.deviceID = deviceID
        self.fixTime = fixTime
        self.receivedTime = receivedTime
        self.latitude = latitude
        self.longitude = longitude
        self.altitude = altitude
        self.heading = heading
        self.speedKmh = speedKmh
        self.satellites = satellites
        self.hdop = hdop
        self.accuracy = accuracy
        self.source = source
        self.io = io
        self.attributes = attributes
    }

    /// Binds a device fix to a vehicle.
    public init(fix: DeviceFix, vehicleKey: Int64, deviceID: Int64?, receivedTime: Int64) {
        self.init(
            vehicleKey: vehicleKey, deviceID: deviceID, fixTime: fix.fixTime, receivedTime: receivedTime,
            latitude: fix.latitude, longitude: fix.longitude, altitude: fix.altitude, heading: fix.heading,
            speedKmh: fix.speedKmh, satellites: fix.satellites, hdop: fix.hdop, accuracy: fix.accuracy,
            source: .device, io: fix.io, attributes: fix.attributes
        )
    }
}
