/// One CRC-checked Ruptela packet from a device: who sent it, which command, and the undecoded payload.
public struct RuptelaFrame: Sendable, Equatable {
    /// The device IMEI, 15 digits (zero-padded: the wire carries it as a u64).
    public var imei: String
    /// The command id (1 records, 9 trouble codes, 15 identification, 16 heartbeat, 68 extended records, …).
    public var command: UInt8
    /// The bytes between the command id and the CRC.
    public var payload: [UInt8]

    public init(imei: String, command: UInt8, payload: [UInt8]) {
        self.imei = imei
        self.command = command
        self.payload = payload
    }
}
