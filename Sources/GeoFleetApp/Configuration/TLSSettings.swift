import GeoFleetTLS

/// TLS on the device ports and the API: one certificate for all, a TLS port per device protocol beside
/// the plain one, client certificates, and whether the API still answers plain HTTP.
public struct TLSSettings: Sendable, ConfigSection {
    /// PEM certificate (a chain: leaf first) and key; both unset: no TLS anywhere.
    public var certificateFile: String?
    public var keyFile: String?
    /// PEM CAs for client certificates: asked for (optional) on device TLS ports and the API, verified when presented.
    public var clientCAFile: String?
    /// A TLS listener beside the plain one, per protocol (nil: none; 0: the kernel picks a port).
    public var teltonikaPort: Int?
    public var gt06Port: Int?
    public var ruptelaPort: Int?
    public var osmandPort: Int?
    /// `on`: the API port answers plain HTTP too; `off`: plain connections are closed.
    public var httpPlain = "on"
    /// `required`: service tokens only count over TLS with a verified client certificate.
    public var serviceClientCert = "off"

    public init() {}

    static var variables: [ConfigVariable<Self>] {
        [
            .optionalText(
                "GEOFLEET_TLS_CERT", \.certificateFile,
                "PEM certificate (chain, leaf first) for the API and the device TLS ports; reloaded on SIGHUP",
                unset: "unset: no TLS"),
            .optionalText("GEOFLEET_TLS_KEY", \.keyFile, "PEM private key of `GEOFLEET_TLS_CERT`; reloaded on SIGHUP", unset: "unset: no TLS"),
            .optionalText(
                "GEOFLEET_TLS_CLIENT_CA", \.clientCAFile,
                "PEM CAs for client certificates: TLS clients are asked for one (optional); a presented one must verify",
                unset: "unset: no client certificates"),
            .optionalInteger("GEOFLEET_TELTONIKA_TLS_PORT", \.teltonikaPort, 0...65535, "Teltonika over TLS (TCP)"),
            .optionalInteger("GEOFLEET_GT06_TLS_PORT", \.gt06Port, 0...65535, "Concox GT06 over TLS"),
            .optionalInteger("GEOFLEET_RUPTELA_TLS_PORT", \.ruptelaPort, 0...65535, "Ruptela over TLS"),
            .optionalInteger("GEOFLEET_OSMAND_TLS_PORT", \.osmandPort, 0...65535, "OsmAnd / Traccar Client over HTTPS"),
            .choice(
                "GEOFLEET_HTTP_PLAIN", \.httpPlain, ["on", "off"],
                "with TLS on, whether the API port also answers plain HTTP (`off`: plain connections are closed)"),
            .choice(
                "GEOFLEET_SERVICE_CLIENT_CERT", \.serviceClientCert, ["off", "required"],
                "`required`: a service token is refused (401) unless the request came over TLS with a verified client certificate"),
        ]
    }

    /// The certificate files, when TLS is on.
    public var files: TLSCredentials.Files? {
        guard let certificateFile, let keyFile else { return nil }
        return TLSCredentials.Files(certificate: certificateFile, key: keyFile, clientCA: clientCAFile)
    }

    /// Settings that only make sense together: a TLS port needs the certificate and key, and so on.
    func validate() throws {
        if (certificateFile == nil) != (keyFile == nil) {
            let missing = certificateFile == nil ? "GEOFLEET_TLS_CERT" : "GEOFLEET_TLS_KEY"
            let other = certificateFile == nil ? "GEOFLEET_TLS_KEY" : "GEOFLEET_TLS_CERT"
            throw ConfigurationError(variable: missing, expected: "a PEM file when \(other) is set", got: "")
        }
        let ports: [(String, Int?)] = [
            ("GEOFLEET_TELTONIKA_TLS_PORT", teltonikaPort), ("GEOFLEET_GT06_TLS_PORT", gt06Port),
            ("GEOFLEET_RUPTELA_TLS_PORT", ruptelaPort), ("GEOFLEET_OSMAND_TLS_PORT", osmandPort),
        ]
        guard files == nil else {
            if serviceClientCert == "required" && clientCAFile == nil {
                throw ConfigurationError(
                    variable: "GEOFLEET_TLS_CLIENT_CA", expected: "a PEM file of CAs when GEOFLEET_SERVICE_CLIENT_CERT=required", got: "")
            }
            return
        }
        for (name, port) in ports where port != nil {
            throw ConfigurationError(variable: "GEOFLEET_TLS_CERT", expected: "a PEM file (and GEOFLEET_TLS_KEY) when \(name) is set", got: "")
        }
        if let clientCAFile {
            throw ConfigurationError(
                variable: "GEOFLEET_TLS_CERT", expected: "a PEM file (and GEOFLEET_TLS_KEY) when GEOFLEET_TLS_CLIENT_CA is set", got: clientCAFile)
        }
        if httpPlain == "off" {
            throw ConfigurationError(
                variable: "GEOFLEET_TLS_CERT", expected: "a PEM file (and GEOFLEET_TLS_KEY) when GEOFLEET_HTTP_PLAIN=off", got: "")
        }
        if serviceClientCert == "required" {
            throw ConfigurationError(
                variable: "GEOFLEET_TLS_CERT", expected: "a PEM file (and GEOFLEET_TLS_KEY) when GEOFLEET_SERVICE_CLIENT_CERT=required", got: "")
        }
    }
}
