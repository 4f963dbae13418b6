import Foundation
import GeoFleetCore
import GeoFleetProtocols
import GeoFleetTestSupport
import Synchronization
import Testing

/// A device moved from one tenant's vehicle to another's while connected: every acknowledged position
/// lands in exactly one vehicle, and nothing sent after the move reaches the former one.
@Suite(.serialized) struct RebindTests {
    static let imei = "356307042441013"

    static func positions(_ harness: EngineHarness, vehicle: String) async throws -> Int {
        try await harness.count(
            """
            SELECT count(*)::int8 FROM positions p JOIN vehicles v ON v.key = p.vehicle_key WHERE v.id = '\(vehicle)'
            """)
    }

    static func frame(_ time: Int64) -> [UInt8] {
        FrameFactory.codec8(records: [(time, 44.4268, 26.1025)])
    }

    static func connect(_ harness: EngineHarness) async throws -> TestDeviceClient? {
        let device = try await TestDeviceClient.connect(port: harness.devicePort)
        try await device.send(Teltonika.encodeIMEI(imei))
        guard try await device.read(1) == [0x01] else {
            await device.close()
            return nil
        }
        return device
    }

    @Test func rebindingClosesTheOpenConnectionAndLaterPositionsGoToTheNewVehicle() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let bob = try await harness.token("user_bob")
        let carA = try await harness.addVehicle(token: alice, plate: "B 20 AAA", imei: Self.imei)
        let carB = try await harness.addVehicle(token: bob, plate: "B 20 BBB", imei: nil)
        let start = Int64(Date().timeIntervalSince1970) * 1000 - 600_000

        let old = try #require(try await Self.connect(harness))
        try await old.send(Self.frame(start))
        #expect(FrameFactory.ackCount(try await old.read(4)) == 1)

        var (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(carA)", token: alice, rawBody: Data(#"{"gpsDeviceId": null}"#.utf8))
        #expect(status == 200)
        #expect(await old.waitForClose(timeout: .seconds(5)), "the open connection of the unbound device is closed")
        (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(carB)", token: bob, body: ["gpsDeviceId": Self.imei])
        #expect(status == 200)

        let fresh = try #require(try await Self.connect(harness), "bound to bob's vehicle at once")
        try await fresh.send(Self.frame(start + 1000))
        #expect(FrameFactory.ackCount(try await fresh.read(4)) == 1)
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 2) == 2)
        #expect(try await Self.positions(harness, vehicle: carA) == 1)
        #expect(try await Self.positions(harness, vehicle: carB) == 1)

        // Deleting the vehicle closes its device's connection too.
        (status, _) = try await harness.call("DELETE", "/api/fleet/vehicles/\(carB)", token: bob)
        #expect(status == 200)
        #expect(await fresh.waitForClose(timeout: .seconds(5)))
        await fresh.close()
        try await harness.stop()
    }

    @Test func anotherTenantsVehicleIdClosesNothing() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let mallory = try await harness.token("user_mallory")
        let carA = try await harness.addVehicle(token: alice, plate: "B 21 AAA", imei: Self.imei)
        let device = try #require(try await Self.connect(harness))
        let (status, _) = try await harness.call("DELETE", "/api/fleet/vehicles/\(carA)", token: mallory)
        #expect(status == 404)
        #expect(await device.waitForClose(timeout: .milliseconds(500)) == false, "alice's device stays connected")
        await device.close()
        try await harness.stop()
    }

    /// What the device task and the test share.
    final class Shared: Sendable {
        /// Fix times acknowledged, each with whether the rebinding had finished before it was sent.
        let acked = Mutex<[(time: Int64, afterRebind: Bool)]>([])
        let rebound = Atomic<Bool>(false)
    }

    @Test func positionsStreamedDuringARebindLandInExactlyOneVehicle() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let bob = try await harness.token("user_bob")
        let carA = try await harness.addVehicle(token: alice, plate: "B 22 AAA", imei: Self.imei)
        let carB = try await harness.addVehicle(token: bob, plate: "B 22 BBB", imei: nil)
        let start = Int64(Date().timeIntervalSince1970) * 1000 - 3_600_000
        let shared = Shared()

        let device = Task {
            var connection: TestDeviceClient?
            for i in 0..<120 {
                let time = start + Int64(i) * 1000
                var done = false
                while !done {
                    if connection == nil { connection = try await Self.connect(harness) }
                    guard let current = connection else {
                        try await Task.sleep(for: .milliseconds(20)) // unbound for a moment: retry like a device
                        continue
                    }
                    let after = shared.rebound.load(ordering: .sequentiallyConsistent)
                    try? await current.send(Self.frame(time))
                    if FrameFactory.ackCount(try await current.read(4, timeout: .seconds(5))) == 1 {
                        shared.acked.withLock { $0.append((time, after)) }
                        done = true
                    } else {
                        await current.close()
                        connection = nil
                    }
                }
            }
            await connection?.close()
        }
        try await Task.sleep(for: .milliseconds(150))
        var (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(carA)", token: alice, rawBody: Data(#"{"gpsDeviceId": null}"#.utf8))
        #expect(status == 200)
        (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(carB)", token: bob, body: ["gpsDeviceId": Self.imei])
        #expect(status == 200)
        shared.rebound.store(true, ordering: .sequentiallyConsistent)
        try await device.value

        let all = shared.acked.withLock { $0 }
        #expect(all.count == 120)
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 120) == 120, "every ACKed position stored once")
        let inA = try await Self.positions(harness, vehicle: carA)
        let inB = try await Self.positions(harness, vehicle: carB)
        #expect(inA + inB == 120, "each in exactly one vehicle: A \(inA), B \(inB)")
        let sentAfter = all.filter(\.afterRebind).map(\.time)
        #expect(!sentAfter.isEmpty)
        let timesInA = try await harness.count(
            """
            SELECT count(*)::int8 FROM positions p JOIN vehicles v ON v.key = p.vehicle_key
            WHERE v.id = '\(carA)' AND p.fix_time >= to_timestamp(\(Double(sentAfter.min()!) / 1000))
            """)
        #expect(timesInA == 0, "nothing sent after the rebinding is in the former vehicle")
        try await harness.stop()
    }
}
