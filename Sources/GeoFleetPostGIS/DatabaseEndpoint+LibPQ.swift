import Foundation

extension DatabaseEndpoint {
    /// libpq's keyword/value connection parameters for this endpoint (the binary COPY paths).
    public func libpqParameters(applicationName: String) -> [(String, String)] {
        var parameters: [(String, String)] = [
            ("user", username), ("dbname", database), ("connect_timeout", "5"), ("application_name", applicationName),
            ("client_encoding", "UTF8"),
        ]
        if let password { parameters.append(("password", password)) }
        switch address {
        case .tcp(let host, let port):
            if let name = tls.serverName {
                parameters += [("host", name), ("hostaddr", host)]
            } else {
                parameters.append(("host", host))
            }
            parameters += [("port", String(port)), ("sslmode", tls.mode.rawValue), ("keepalives", "1"), ("keepalives_idle", "30")]
            if let root = tls.rootCertificate { parameters.append(("sslrootcert", root)) }
        case .unixSocket(let path):
            let directory = (path as NSString).deletingLastPathComponent
            let port = path.split(separator: ".").last.map(String.init) ?? "5432"
            parameters += [("host", directory), ("port", port)]
        }
        return parameters
    }
}
