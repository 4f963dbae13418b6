import Foundation
import GeoFleetCore
import GeoFleetProtocols
import NIOCore
import Testing

/// Real Teltonika UDP datagrams from fixtures/teltonika/teltonika-udp.json with their decoded values and ACKs.
@Suite struct TeltonikaUDPTests {
    struct Expect: Decodable {
        let packetID: UInt16
        let avlPacketID: UInt8
        let imei: String
        let codec: UInt8
        let records: Int
        let fixTime: String
        let latitude: Double
        let longitude: Double
        let satellites: UInt8
        let speedKmh: UInt16
        let ack: String
    }

    struct Datagram: Decodable, CustomTestStringConvertible {
        let name: String
        let source: String
        let hex: String
        let expect: Expect
        var testDescription: String { name }
        var bytes: [UInt8] { [UInt8](hex: hex)! }
    }

    struct File: Decodable { let datagrams: [Datagram] }

    static let datagrams: [Datagram] = FixtureFile.load(File.self, "teltonika/teltonika-udp.json").datagrams

    @Test(arguments: datagrams)
    func decodesRealDatagram(_ d: Datagram) throws {
        let decoded = try Teltonika.decodeUDPDatagram(ByteBuffer(bytes: d.bytes))
        #expect(decoded.packetID == d.expect.packetID)
        #expect(decoded.avlPacketID == d.expect.avlPacketID)
        #expect(decoded.imei == d.expect.imei)
        #expect(decoded.packet.codec.rawValue == d.expect.codec)
        #expect(decoded.packet.records.count == d.expect.records)
        let record = try #require(decoded.packet.records.first)
        #expect(UTCTime.iso8601(milliseconds: record.timestamp) == d.expect.fixTime)
        #expect(abs(record.latitude - d.expect.latitude) < 1e-9)
        #expect(abs(record.longitude - d.expect.longitude) < 1e-9)
        #expect(record.satellites == d.expect.satellites)
        #expect(record.speed == d.expect.speedKmh)
        let ack = Teltonika.encodeUDPAck(
            packetID: decoded.packetID, avlPacketID: decoded.avlPacketID,
            accepted: UInt8(decoded.packet.records.count))
        #expect(ack == [UInt8](hex: d.expect.ack))
    }

    @Test(arguments: datagrams)
    func reencodesByteForByte(_ d: Datagram) throws {
        let decoded = try Teltonika.decodeUDPDatagram(ByteBuffer(bytes: d.bytes))
        let rebuilt = Teltonika.encodeUDPDatagram(
            packetID: decoded.packetID, avlPacketID: decoded.avlPacketID,
            imei: decoded.imei, avlData: Teltonika.encodeAVLData(decoded.packet))
        #expect(rebuilt == d.bytes)
    }

    @Test func truncatedDatagramIsRejectedAtEveryLength() throws {
        let bytes = Self.datagrams[2].bytes
        for cut in 0..<bytes.count {
            #expect(throws: TeltonikaDecodingError.self) {
                try Teltonika.decodeUDPDatagram(ByteBuffer(bytes: bytes.prefix(cut)))
            }
        }
    }

    @Test func lengthFieldMustMatchTheDatagram() {
        var padded = Self.datagrams[0].bytes
        padded.append(0)
        #expect(throws: TeltonikaDecodingError.udpLengthMismatch(declared: 61, actual: 62)) {
            try Teltonika.decodeUDPDatagram(ByteBuffer(bytes: padded))
        }
    }

    @Test func badIMEIAndPacketTypeAreRefused() {
        var letters = Self.datagrams[0].bytes
        letters[10] = UInt8(ascii: "x")
        #expect(throws: TeltonikaDecodingError.badIMEICharacters) {
            try Teltonika.decodeUDPDatagram(ByteBuffer(bytes: letters))
        }
        var wrongType = Self.datagrams[0].bytes
        wrongType[4] = 0x02
        #expect(throws: TeltonikaDecodingError.udpPacketType(0x02)) {
            try Teltonika.decodeUDPDatagram(ByteBuffer(bytes: wrongType))
        }
    }
}
