import Foundation
import GeoFleetPostGIS

/// `psql` invocations against an endpoint: postgres-nio has no COPY TO, and psql streams
/// `COPY … (FORMAT binary)` straight between the server and a pipe at full speed.
struct PsqlCommand {
    let endpoint: DatabaseEndpoint

    static let executable =
        ProcessInfo.processInfo.environment["GEOFLEET_PSQL"]
        ?? {
            let bundled = EmbeddedPostgres.binDirectory + "/psql"
            return FileManager.default.isExecutableFile(atPath: bundled) ? bundled : "psql"
        }()

    /// Arguments running `sql` once, quietly, stopping on the first error.
    func arguments(_ sql: String) -> [String] {
        ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql]
    }

    /// The password travels in the environment, never on the command line.
    var environment: [String: String] {
        var env = ["PGCONNECT_TIMEOUT": "10", "PGTZ": "UTC"]
        if let password = endpoint.password { env["PGPASSWORD"] = password }
        return env
    }

    /// libpq's keywords for the endpoint, the TLS ones (`sslmode`, `sslrootcert`, `hostaddr`) included:
    /// psql honours GEOFLEET_DATABASE_URL's `sslmode` as postgres-nio and the COPY paths do.
    var conninfo: String {
        func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'" }
        return endpoint.libpqParameters(applicationName: "geofleet-psql")
            .filter { $0.0 != "password" }
            .map { "\($0.0)=\(quote($0.1))" }
            .joined(separator: " ")
    }
}
