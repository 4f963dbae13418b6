import NIOCore

/// What one device connection may cost: frames waiting for its session, frame rate, time to
/// identify, silence, and the Teltonika IO elements one record may carry.
public struct DeviceListenerLimits: Sendable {
    /// Decoded frames that may wait for the session before reads stop (`GEOFLEET_DEVICE_FRAME_BUFFER`).
    public var frameBuffer: Int = 16
    /// Frames a second, averaged over 30 s, before the connection is closed (`GEOFLEET_DEVICE_MAX_FRAMES_PER_SECOND`; 0 = off).
    public var maxFramesPerSecond: Int = 200
    /// A device that has not identified itself this long after connecting is closed (`GEOFLEET_DEVICE_HANDSHAKE_SECONDS`).
    public var handshakeTimeout: TimeAmount = .seconds(30)
    /// No complete frame for this long closes the connection.
    public var idleTimeout: TimeAmount = .minutes(10)
    /// IO elements one Teltonika record may carry (`GEOFLEET_TELTONIKA_MAX_IO_PER_RECORD`); more is garbage.
    public var maxIOElementsPerRecord: Int = 512

    /// Open connections over all device listeners, and per remote IP.
    public var connections = ConnectionLimiter()

    public init() {}
}
