/// One OBD diagnostic trouble code from a command 9 packet, with the time and place it was read.
public struct RuptelaTroubleCode: Sendable, Hashable {
    /// Milliseconds since the Unix epoch (UTC).
    public var time: Int64
    public var latitude: Double
    public var longitude: Double
    /// True when the device marks the code as archived (flag 2) rather than current.
    public var archived: Bool
    /// The five-character code, e.g. `P0010`.
    public var code: String

    public init(time: Int64, latitude: Double, longitude: Double, archived: Bool, code: String) {
        self.time = time
        self.latitude = latitude
        self.longitude = longitude
        self.archived = archived
        self.code = code
    }
}
