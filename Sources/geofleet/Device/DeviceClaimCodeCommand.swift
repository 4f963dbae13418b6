import ArgumentParser
import Foundation
import GeoFleetApp
import GeoFleetPostGIS
import Logging

/// `geofleet device claim-code IMEI`: issues a tracker's claim code and prints it, the only time it is shown.
struct DeviceClaimCodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim-code", abstract: "Issue a device's claim code (printed once; the owner gives it when binding the device).",
        discussion:
            "A new code replaces the device's earlier one, claimed or not (a device changing hands). Only a salted hash is kept.")

    @Argument(help: "The device's unique id (IMEI).") var imei: String
    @Option(name: .customLong("issued-by"), help: "Who issues it (kept with the code and in the audit log).") var issuedBy: String = "operator"

    func validate() throws {
        guard (4...32).contains(imei.count),
            imei.unicodeScalars.allSatisfy({ ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "-" || $0 == "_" })
        else { throw ValidationError("IMEI must be 4-32 letters, digits, dashes or underscores (an IMEI is 15 digits)") }
    }

    func run() async throws {
        let configuration = try GeoFleetConfiguration.fromEnvironment()
        var logger = Logger(label: "geofleet.device")
        logger.logLevel = .warning
        let endpoint = try await OperatorDatabase.endpoint(configuration, logger: logger)
        let (imei, issuedBy) = (imei, issuedBy)
        let code = try await OperatorDatabase.withClient(endpoint, logger: logger) { client in
            let code = try await DeviceClaims(client: client, policy: configuration.devices.claimPolicy, logger: logger)
                .issue(device: imei, issuedBy: issuedBy)
            try await AuditLog(client: client, logger: logger).append(
                AuditEntry(account: issuedBy, actor: issuedBy, channel: "cli", action: "device.claim_code", target: "device:\(imei)"))
            return code
        }
        print(code)
    }
}
