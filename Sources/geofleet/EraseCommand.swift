import ArgumentParser
import Foundation
import GeoFleetArchive
import GeoFleetPlatform

/// `geofleet erase --user ID`: the operator's erasure of a user's position history (all vehicles, or one).
struct EraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase", abstract: "Erase a user's position history from PostGIS, the spool, the hot index and the archives.",
        discussion:
            "Vehicles stay; their positions up to now are erased everywhere. A running geofleetd drops them from its hot index within seconds.")

    @Option(help: "The user (JWT sub) whose history is erased.") var user: String
    @Option(help: "Only this vehicle (UUID) of the user.") var vehicle: String?
    @Option(name: .customLong("requested-by"), help: "Who asked (kept in the audit table).") var requestedBy: String = "operator"

    func run() async throws {
        let env = try await ArchiveEnvironment.load()
        var vehicles = try await UserVehicles.of(user: user, context: env.context)
        if let vehicle {
            guard let id = UUID(uuidString: vehicle) else { throw ArchiveCLIError("--vehicle is not a UUID") }
            vehicles = vehicles.filter { $0.id == id }
        }
        guard !vehicles.isEmpty else { throw ArchiveCLIError("no vehicles found for user \(user)") }
        ArchiveEnvironment.say("erasing \(vehicles.count) vehicle(s) of \(user)")
        let eraser = HistoryEraser(context: env.context, now: { WallClock.nowMilliseconds() })
        let result = try await eraser.erase(vehicles, subjectUser: user, requestedBy: requestedBy, channel: "cli", archiveLockWaitSeconds: 600)
        ArchiveEnvironment.say(
            "summary: audit=\(result.auditID) vehicles=\(vehicles.count) live_rows=\(result.liveRowsDeleted) "
                + "archives_rewritten=\(result.archivesRewritten) archive_rows=\(result.archiveRowsRemoved) archives_pending=\(result.archivesPending)"
        )
    }
}
