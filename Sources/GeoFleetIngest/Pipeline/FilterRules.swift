/// Which positions are dropped before they are stored, like Traccar's `filter.*` keys.
///
/// A dropped position is still acknowledged to the device: refusing it would only make the device
/// resend it forever.
public struct FilterRules: Sendable, Equatable {
    /// Drop fixes the device itself marks invalid (no GPS fix).
    public var invalid: Bool = true
    /// Drop fixes at exactly 0°, 0° (a receiver with no fix reporting zeros).
    public var zero: Bool = true
    /// Drop fixes more than this far ahead of the server clock (seconds; 0 = off). Ten minutes, not
    /// Traccar's day: a fix further ahead is a device clock error, and it would lead the vehicle's history.
    public var futureSeconds: Int64 = 600
    /// Drop fixes more than this far behind the server clock (seconds; 0 = off).
    public var pastSeconds: Int64 = 30 * 86_400
    /// Drop a fix whose distance from the vehicle's last accepted fix implies more than this speed
    /// (km/h; 0 = off). Trucks are capped at 90 km/h in the EU; cars and phones go faster.
    public var maxSpeedKmh: Double = 250
    /// After this many consecutive jump rejections the next fix is taken and becomes the reference,
    /// so one bad reference (or a ferry crossing without GPS) cannot block a vehicle forever.
    public var maxConsecutiveJumps: Int = 3
    /// Jumps are judged only between fixes at least this far apart (metres); GPS jitter over a
    /// second implies absurd speeds without meaning anything.
    public var jumpMinDistanceMetres: Double = 500
    /// Drop fixes whose reported horizontal accuracy is worse than this (metres; 0 = off).
    public var maxAccuracyMetres: Double = 0

    public init() {}
}

/// Why a position was dropped; each reason is a `/metrics` label.
public enum FilterReason: String, Sendable, CaseIterable {
    case invalid
    case zero
    case outOfRange = "out_of_range"
    case future
    case past
    case jump
    case accuracy
    case duplicate
}
