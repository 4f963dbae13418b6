import GeoFleetCore

/// One AVL record as a Teltonika device sent it (Codec 8, 8 Extended or 16), before any interpretation.
public struct TeltonikaRecord: Sendable, Hashable {
    /// Milliseconds since the Unix epoch, UTC.
    public var timestamp: Int64
    /// 0 low, 1 high, 2 panic.
    public var priority: UInt8
    /// Degrees (the wire carries a signed int32 in units of 1e-7 degrees).
    public var longitude: Double
    /// Degrees (the wire carries a signed int32 in units of 1e-7 degrees).
    public var latitude: Double
    /// Metres above sea level.
    public var altitude: Int16
    /// Degrees clockwise from north.
    public var angle: UInt16
    /// Satellites in use; 0 means the device had no GPS fix.
    public var satellites: UInt8
    /// km/h.
    public var speed: UInt16
    /// The IO id that triggered the record, 0 for a periodic record.
    public var eventIOID: UInt16
    /// How the record was generated (0 on exit … 7 periodical); Codec 16 only, nil otherwise.
    public var generationType: UInt8?
    /// Every IO element in wire order: fixed-width values as `.unsigned(v, width:)`, NX values as `.bytes`.
    public var io: [IOElement]

    public init(
        timestamp: Int64, priority: UInt8, longitude: Double, latitude: Double, altitude: Int16, angle: UInt16,
        satellites: UInt8, speed: UInt16, eventIOID: UInt16, generationType: UInt8? = nil, io: [IOElement] = []
    ) {
        self.timestamp = timestamp
        self.priority = priority
        self.longitude = longitude
        self.latitude = latitude
        self.altitude = altitude
        self.angle = angle
        self.satellites = satellites
        self.speed = speed
        self.eventIOID = eventIOID
        self.generationType = generationType
        self.io = io
    }

    /// The record as a protocol-neutral fix. Teltonika has no validity flag: zero satellites means no fix.
    public var fix: DeviceFix {
        DeviceFix(
            fixTime: timestamp, latitude: latitude, longitude: longitude, altitude: Double(altitude),
            heading: Double(angle), speedKmh: Double(speed), satellites: Int(satellites),
            valid: satellites != 0, io: io)
    }
}
