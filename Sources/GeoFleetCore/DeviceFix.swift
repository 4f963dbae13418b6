/// A position as a device reported it, before it is bound to a vehicle.
public struct DeviceFix: Sendable, Hashable {
    /// Fix time, milliseconds since the Unix epoch (UTC).
    public var fixTime: Int64
    public var latitude: Double
    public var longitude: Double
    /// Metres above sea level.
    public var altitude: Double
    /// Degrees clockwise from north, 0..<360.
    public var heading: Double
    /// km/h.
    public var speedKmh: Double
    public var satellites: Int
    public var hdop: Double?
    /// Horizontal accuracy in metres, for phones.
    public var accuracy: Double?
    /// False when the device says it had no GPS fix (Teltonika: zero satellites).
    public var valid: Bool
    /// Every I/O element the device sent, in order.
    public var io: [IOElement]
    /// Named values of protocols that name them (GT06, OsmAnd, Ruptela's decoded fields).
    public var attributes: [DeviceAttribute]

    public init(
        fixTime: Int64, latitude: Double, longitude: Double, altitude: Double = 0, heading: Double = 0,
        speedKmh: Double = 0, satellites: Int = 0, hdop: Double? = nil, accuracy: Double? = nil,
        valid: Bool = true, io: [IOElement] = [], attributes: [DeviceAttribute] = []
    ) {
        self.fixTime = fixTime
        self.latitude = latitude
        self.longitude = longitude
        self.altitude = altitude
        self.heading = heading
        self.speedKmh = speedKmh
        self.satellites = satellites
        self.hdop = hdop
        self.accuracy = accuracy
        self.valid = valid
        self.io = io
        self.attributes = attributes
    }
}
