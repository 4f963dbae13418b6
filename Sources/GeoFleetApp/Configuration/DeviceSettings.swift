import GeoFleetIngest
import GeoFleetPostGIS
import NIOCore

/// What devices may do: register themselves, and how long and how much each connection may hold.
public struct DeviceSettings: Sendable, ConfigSection {
    /// A frame from an unknown id creates a vehicle (owned by `autoRegisterOwner`); otherwise it is refused.
    public var autoRegister = false
    public var autoRegisterOwner = "unassigned"
    public var idleTimeoutSeconds: Int64 = 600
    /// Frames waiting for a device's session before its reads stop.
    public var frameBuffer = DeviceListenerLimits().frameBuffer
    /// A device averaging more frames a second over 30 s is closed (0 = off).
    public var maxFramesPerSecond = DeviceListenerLimits().maxFramesPerSecond
    /// IO elements one Teltonika record may carry.
    public var teltonikaMaxIOPerRecord = DeviceListenerLimits().maxIOElementsPerRecord
    /// Seconds a device has from connecting to identifying itself.
    public var handshakeSeconds = 30
    /// Open device connections over all listeners, and per remote IP.
    public var maxConnections = 50_000
    public var maxConnectionsPerIP = 1_000
    /// Seconds an id bound to no vehicle is refused from memory (0 = always look up).
    public var unknownCacheSeconds = 60
    /// Seconds an OsmAnd connection has for each whole request.
    public var osmandRequestSeconds = 10
    /// When binding a tracker needs its claim code (`issued` or `required`).
    public var claimMode = DeviceClaimPolicy.issued.rawValue

    public init() {}

    /// ``claimMode`` as a policy (validated when read).
    public var claimPolicy: DeviceClaimPolicy { DeviceClaimPolicy(rawValue: claimMode) ?? .issued }

    static var variables: [ConfigVariable<Self>] {
        [
            .flag("GEOFLEET_AUTO_REGISTER", \.autoRegister, "`true`: a frame from an unknown IMEI creates a vehicle; `false`: it is refused"),
            .text("GEOFLEET_AUTO_REGISTER_OWNER", \.autoRegisterOwner, "the user who owns auto-registered vehicles"),
            .choice(
                "GEOFLEET_DEVICE_CLAIM", \.claimMode, DeviceClaimPolicy.allCases.map(\.rawValue),
                "binding a tracker to a vehicle needs its claim code: `issued` for devices that were given one, `required` for all"),
            .integer(
                "GEOFLEET_DEVICE_IDLE_SECONDS", 5...86_400, "a connection with no complete frame for this long is closed",
                get: { Int($0.idleTimeoutSeconds) }, set: { $0.idleTimeoutSeconds = Int64($1) }),
            .integer("GEOFLEET_DEVICE_HANDSHAKE_SECONDS", \.handshakeSeconds, 1...3600, "a device silent this long after connecting is closed"),
            .integer("GEOFLEET_DEVICE_FRAME_BUFFER", \.frameBuffer, 1...1024, "frames waiting for a device's session before its reads stop"),
            .integer(
                "GEOFLEET_DEVICE_MAX_FRAMES_PER_SECOND", \.maxFramesPerSecond, 0...1_000_000,
                "a device averaging more over 30 s is closed (0 = off)"),
            .integer(
                "GEOFLEET_TELTONIKA_MAX_IO_PER_RECORD", \.teltonikaMaxIOPerRecord, 1...65_535,
                "IO elements one Teltonika record may carry; more closes the connection"),
            .integer("GEOFLEET_MAX_CONNECTIONS", \.maxConnections, 1...10_000_000, "open device connections over all device listeners"),
            .integer("GEOFLEET_MAX_CONNECTIONS_PER_IP", \.maxConnectionsPerIP, 1...10_000_000, "open device connections from one address"),
            .integer("GEOFLEET_OSMAND_REQUEST_SECONDS", \.osmandRequestSeconds, 1...3600, "seconds an OsmAnd connection has for each whole request"),
            .integer(
                "GEOFLEET_DEVICE_UNKNOWN_CACHE_SECONDS", \.unknownCacheSeconds, 0...86_400,
                "an id bound to no vehicle is refused from memory this long (0 = always look up)"),
        ]
    }

    /// The limits every device TCP listener applies to each connection; each call makes a new
    /// connection limiter, to be shared by all the listeners of one engine.
    public var limits: DeviceListenerLimits {
        var limits = DeviceListenerLimits()
        limits.connections = ConnectionLimiter(maxConnections: maxConnections, maxPerIP: maxConnectionsPerIP)
        limits.handshakeTimeout = .seconds(Int64(handshakeSeconds))
        limits.frameBuffer = frameBuffer
        limits.maxFramesPerSecond = maxFramesPerSecond
        limits.idleTimeout = .seconds(idleTimeoutSeconds)
        limits.maxIOElementsPerRecord = teltonikaMaxIOPerRecord
        return limits
    }
}
