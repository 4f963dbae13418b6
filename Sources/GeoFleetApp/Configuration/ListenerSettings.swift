/// Where GeoFleet listens: one address, a port per listener (0: the kernel picks one).
public struct ListenerSettings: Sendable, ConfigSection {
    public var bindHost = "0.0.0.0"
    public var httpPort = 8080
    /// Teltonika over TCP and UDP share this port, as on Traccar.
    public var teltonikaPort = 5027
    public var gt06Port = 5023
    public var osmandPort = 5055
    public var ruptelaPort = 5046

    public init() {}

    static var variables: [ConfigVariable<Self>] {
        [
            .text("GEOFLEET_BIND", \.bindHost, "address for every listener"),
            .integer("GEOFLEET_HTTP_PORT", \.httpPort, 0...65535, "the API (HTTP and WebSocket)"),
            .integer("GEOFLEET_TELTONIKA_PORT", \.teltonikaPort, 0...65535, "Teltonika, TCP and UDP"),
            .integer("GEOFLEET_GT06_PORT", \.gt06Port, 0...65535, "Concox GT06, TCP"),
            .integer("GEOFLEET_OSMAND_PORT", \.osmandPort, 0...65535, "OsmAnd / Traccar Client, HTTP"),
            .integer("GEOFLEET_RUPTELA_PORT", \.ruptelaPort, 0...65535, "Ruptela, TCP"),
        ]
    }
}
