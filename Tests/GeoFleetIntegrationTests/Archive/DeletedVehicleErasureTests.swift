import Foundation
import GeoFleetArchive
import GeoFleetCore
import GeoFleetPostGIS
import GeoFleetProtocols
import GeoFleetTestSupport
import Testing

/// A deleted vehicle's history stays in PostGIS and the archives; erasing its user (operator) or
/// the vehicle (API) must still find it.
@Suite(.serialized) struct DeletedVehicleErasureTests {
    /// Sends `count` fixes a minute apart starting at `start` and waits for their ACK.
    func drive(_ harness: EngineHarness, imei: String, start: Int64, count: Int) async throws {
        let device = try await TestDeviceClient.connect(port: harness.devicePort)
        try await device.send(Teltonika.encodeIMEI(imei))
        #expect(try await device.read(1) == [0x01])
        let fixes = (0..<count).map { (time: start + Int64($0) * 60_000, lat: 48.1 + Double($0) * 0.001, lon: 11.5) }
        try await device.send(FrameFactory.codec8(records: fixes))
        #expect(FrameFactory.ackCount(try await device.read(4)) == count)
        await device.close()
    }

    @Test func erasureReachesDeletedVehiclesInPostGISAndArchives() async throws {
        let clock = TestClock()
        let harness = try await EngineHarness.start(now: clock.closure) { $0.archive.everyHours = 0 }
        let dave = try await harness.token("user_dave")
        let erin = try await harness.token("user_erin")
        let imeis = ["356307042441054", "356307042441062", "356307042441070"]
        let first = try await harness.addVehicle(token: dave, plate: "M DV 1", imei: imeis[0])
        let second = try await harness.addVehicle(token: dave, plate: "M DV 2", imei: imeis[1])
        let other = try await harness.addVehicle(token: erin, plate: "M EV 1", imei: imeis[2])
        var keys: [Int] = []
        for id in [first, second, other] { keys.append(try await harness.count("SELECT key FROM vehicles WHERE id = '\(id)'")) }

        // Old history (archived) and fresh history (live) for all three.
        clock.advance(days: -40)
        for imei in imeis { try await drive(harness, imei: imei, start: clock.now() - 3_600_000, count: 4) }
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 12) == 12)
        clock.advance(days: 40)
        let context = ArchiveContext(
            endpoint: harness.endpoint, directory: harness.engine.configuration.archive.directory, logger: testLogger("archive"))
        #expect(try await PartitionArchiver(context: context, retentionDays: 30, now: clock.closure).run().rows == 12)
        for imei in imeis { try await drive(harness, imei: imei, start: clock.now() - 600_000, count: 3) }
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 9) == 9)

        // Dave deletes both his vehicles; their rows are gone, their history is not.
        for id in [first, second] { #expect(try await harness.call("DELETE", "/api/fleet/vehicles/\(id)", token: dave).status == 200) }
        #expect(try await harness.count("SELECT count(*) FROM vehicles WHERE user_id = 'user_dave'") == 0)
        #expect(try await harness.count("SELECT count(*) FROM positions WHERE vehicle_key IN (\(keys[0]), \(keys[1]))") == 6)
        #expect(try context.directory.manifests().contains { $0.vehicleKeys.contains(Int64(keys[0])) })

        // The API erases a deleted vehicle's history (another user still gets 404 for it).
        #expect(try await harness.call("DELETE", "/api/fleet/vehicles/\(second)/history", token: erin).status == 404)
        let (status, json) = try await harness.call("DELETE", "/api/fleet/vehicles/\(second)/history", token: dave)
        #expect(status == 200)
        #expect((json as? [String: Any])?["deletedPositions"] as? Int == 3)
        #expect((json as? [String: Any])?["archiveRowsRemoved"] as? Int == 4)

        // The operator's erasure of the user (what `geofleet erase --user` runs) finds both deleted vehicles.
        let vehicles = try await UserVehicles.of(user: "user_dave", context: context)
        #expect(vehicles.map(\.key) == [Int64(keys[0]), Int64(keys[1])])
        #expect(Set(vehicles.map { $0.id.uuidString.lowercased() }) == [first.lowercased(), second.lowercased()])
        let result = try await HistoryEraser(context: context, now: clock.closure)
            .erase(vehicles, subjectUser: "user_dave", requestedBy: "ops", channel: "cli")
        #expect(result.liveRowsDeleted == 3)
        #expect(result.archiveRowsRemoved == 4)

        // Nothing of Dave's left in PostGIS or in any archive, restored or not; Erin's history is whole.
        #expect(try await harness.count("SELECT count(*) FROM positions WHERE vehicle_key IN (\(keys[0]), \(keys[1]))") == 0)
        #expect(try context.directory.manifests().allSatisfy { !$0.vehicleKeys.contains(Int64(keys[0])) && !$0.vehicleKeys.contains(Int64(keys[1])) })
        let restored = try await ArchiveRestorer(context: context).restore(from: 0, to: clock.now() - 20 * 86_400_000)
        #expect(restored.reduce(0) { $0 + $1.rows } == 4)
        #expect(try await harness.count("SELECT count(*) FROM positions WHERE vehicle_key IN (\(keys[0]), \(keys[1]))") == 0)
        #expect(try await harness.count("SELECT count(*) FROM positions WHERE vehicle_key = \(keys[2])") == 7)
        try await harness.stop()
    }
}
