import Foundation
import GeoFleetCore
import GeoFleetProtocols
import GeoFleetTestSupport
import NIOCore
import Testing

/// Teltonika over UDP against a running engine: real datagrams, ACK bytes checked byte for byte.
@Suite(.serialized) struct TeltonikaUDPSessionTests {
    // Traccar's connectionless test datagram: IMEI 357454072713975, one record at 2017-07-12T15:24:41Z.
    static let datagram = [UInt8](
        hex:
            "0049cafe0122000f33353734353430373237313339373508010000015d3766f6a800003eef961ec6215e0063006d09003100070401000200f001c8000242381c18003201c7000000e10001"
    )!
    static let fixTime: Int64 = 1_499_873_081_000

    @Test func datagramIsStoredThenAcknowledgedAndARepeatChangesNothing() async throws {
        let harness = try await EngineHarness.start(now: { Self.fixTime + 60_000 })
        let token = try await harness.token("udp-owner")
        _ = try await harness.addVehicle(token: token, plate: "B-100-UDP", imei: "357454072713975")
        let client = try TestUDPClient(port: harness.devicePort)

        try client.send(Self.datagram)
        let ack = try #require(await client.receive(), "no ACK for a known device's datagram")
        #expect(ack == [0x00, 0x05, 0xCA, 0xFE, 0x01, 0x22, 0x01], "packet id and AVL packet id echoed, 1 record")
        // The ACK promises durability: the row reaches PostGIS without any further datagram.
        let rows = "SELECT count(*)::int8 FROM positions p JOIN devices d ON d.id = p.device_id WHERE d.unique_id = '357454072713975'"
        #expect(try await harness.waitForCount(rows, equals: 1) == 1)
        let lat = try await harness.count("SELECT round(ST_Y(geom)::numeric * 1e6)::int8 FROM positions")
        #expect(lat == 51_630_115)

        // The device did not hear the ACK and sends the same datagram again.
        try client.send(Self.datagram)
        #expect(await client.receive() == ack, "a repeat is acknowledged again")
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await harness.count(rows) == 1, "and stores nothing new")
        try await harness.stop()
    }

    @Test func datagramLongerThan2048BytesIsDecodedAndAcknowledged() async throws {
        let harness = try await EngineHarness.start(now: { Self.fixTime + 600_000 })
        let token = try await harness.token("udp-owner")
        _ = try await harness.addVehicle(token: token, plate: "B-103-UDP", imei: "357454072713975")
        let client = try TestUDPClient(port: harness.devicePort)
        // Traccar's real record, sent 80 times a second apart: a device emptying its buffer in one datagram.
        let real = try Teltonika.decodeUDPDatagram(ByteBuffer(bytes: Self.datagram))
        var record = try #require(real.packet.records.first)
        var records: [TeltonikaRecord] = []
        for second in 0..<80 {
            record.timestamp = Self.fixTime + Int64(second) * 1000
            records.append(record)
        }
        let avl = Teltonika.encodeAVLData(TeltonikaAVLPacket(codec: real.packet.codec, records: records))
        let long = Teltonika.encodeUDPDatagram(packetID: 0xBEEF, avlPacketID: 0x23, imei: "357454072713975", avlData: avl)
        #expect(long.count > 2048, "the datagram is \(long.count) bytes")

        try client.send(long)
        #expect(await client.receive() == [0x00, 0x05, 0xBE, 0xEF, 0x01, 0x23, 80], "all 80 records acknowledged")
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 80) == 80)
        let newest = try await harness.count("SELECT (extract(epoch FROM max(fix_time)) * 1000)::int8 FROM positions")
        #expect(newest == Self.fixTime + 79_000)
        try await harness.stop()
    }

    @Test func unknownDeviceAndGarbageGetNoAckAndHarmNothing() async throws {
        let harness = try await EngineHarness.start(now: { Self.fixTime + 60_000 })
        let token = try await harness.token("udp-owner")
        _ = try await harness.addVehicle(token: token, plate: "B-101-UDP", imei: "357454072713975")
        let client = try TestUDPClient(port: harness.devicePort)

        var stranger = Self.datagram
        stranger[8 + 14] = UInt8(ascii: "0") // another IMEI, bound to no vehicle
        try client.send(stranger)
        #expect(await client.receive(timeout: .milliseconds(500)) == nil, "a device bound to no vehicle is not acknowledged")

        try client.send([0x00, 0x03, 0xFF, 0xFF, 0xFF])
        try client.send(Array(Self.datagram.prefix(40)))
        #expect(await client.receive(timeout: .milliseconds(500)) == nil, "garbage gets no answer")

        try client.send(Self.datagram)
        #expect(await client.receive() == [0x00, 0x05, 0xCA, 0xFE, 0x01, 0x22, 0x01], "the listener still serves everyone else")
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 1) == 1)
        try await harness.stop()
    }

    @Test func outOfOrderDatagramsAreAllKept() async throws {
        let harness = try await EngineHarness.start(now: { Self.fixTime + 600_000 })
        let token = try await harness.token("udp-owner")
        _ = try await harness.addVehicle(token: token, plate: "B-102-UDP", imei: "357454072713975")
        let client = try TestUDPClient(port: harness.devicePort)
        // Three records 10 s apart, sent newest first, each in its own datagram.
        for (k, offset) in [20, 10, 0].enumerated() {
            let packet = TeltonikaAVLPacket(
                codec: .codec8,
                records: [
                    TeltonikaRecord(
                        timestamp: Self.fixTime + Int64(offset) * 1000, priority: 0, longitude: 0.4124566 + Double(offset) * 1e-4,
                        latitude: 51.630115, altitude: 99, angle: 90, satellites: 9, speed: 50, eventIOID: 0, io: [])
                ])
            let bytes = Teltonika.encodeUDPDatagram(
                packetID: UInt16(k), avlPacketID: UInt8(k), imei: "357454072713975",
                avlData: Teltonika.encodeAVLData(packet))
            try client.send(bytes)
            #expect(await client.receive() == Teltonika.encodeUDPAck(packetID: UInt16(k), avlPacketID: UInt8(k), accepted: 1))
        }
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 3) == 3)
        try await harness.stop()
    }
}
