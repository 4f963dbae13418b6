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
            let socket = Self.socketDirectoryAndPort(path)
            parameters += [("host", socket.directory), ("port", socket.port)]
        }
        return parameters
    }
}
