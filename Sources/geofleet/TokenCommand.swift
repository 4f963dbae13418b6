import ArgumentParser
import GeoFleetAPI
import GeoFleetApp

/// `geofleet token`: mints an API token signed with the configured secret.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Print a JWT for the API (last line of output).")

    @Option(help: "The user id (JWT sub).") var sub: String
    @Option(help: "pro or trial.") var plan: String = "pro"
    @Option(help: "Optional role, e.g. service.") var role: String?
    @Option(help: "Validity in seconds.") var ttl: Int = 3600

    func validate() throws {
        guard ["pro", "trial"].contains(plan) else { throw ValidationError("--plan must be pro or trial") }
        guard ttl > 0 else { throw ValidationError("--ttl must be positive") }
        guard !sub.isEmpty else { throw ValidationError("--sub must not be empty") }
    }

    func run() async throws {
        let configuration = try GeoFleetConfiguration.fromEnvironment()
        let tokens = try await TokenAuthority(secret: try configuration.resolvedJWTSecret())
        print(try await tokens.sign(sub: sub, plan: plan, role: role, ttl: Double(ttl)))
    }
}
